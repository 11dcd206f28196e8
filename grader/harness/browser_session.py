"""The submission's one browser: headless Chromium as the sandbox's helper (its own uid, no capability),
prelaunched by the entry before any file of the run existed, or started here when it is not running.

Every page step (`browser`, `dom`) drives it through a driver of its own (browser_runner.py, the grader
uid) that gets the browser's pipes; the browser outlives the steps, unreachable by learner programs
(another uid: no signal, no trace, no /proc/<pid>/fd), and the clean-up between steps leaves it running.
When a driver was stopped mid-conversation, or the browser is gone, it is replaced before the next
page step.
"""

import os
import signal

import chromium
import helper
import identity
from cleanup import real_uid

PAGE_ACTIONS = ("browser", "dom")
COMMANDS_FD, REPLIES_FD, LOG_FD = 4, 5, 6
"""Where the driver finds the browser's pipes (browser_runner.py reads the same numbers)."""


class BrowserSession:
    def __init__(self, prelaunched=None):
        self.described = prelaunched

    def descriptors(self):
        """The driver's descriptors of the running browser ({number in the driver: ours}), starting one
        when none is running."""
        if self.described is not None and not self._alive():
            self.discard()
        if self.described is None:
            self.described = helper.start(chromium.LAUNCH)
        _, commands, replies, log = helper.parse(self.described)
        return {COMMANDS_FD: commands, REPLIES_FD: replies, LOG_FD: log}

    def discard(self):
        """Kill the browser (every process of the helper's uid) and forget it: the next page step
        starts another."""
        if self.described is None:
            return
        pid, *fds = helper.parse(self.described)
        self.described = None
        with identity.acting_as(identity.HELPER_UID):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        _kill_helper_processes()
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        for fd in fds:
            try:
                os.close(fd)
            except OSError:
                pass

    def _alive(self):
        pid = helper.parse(self.described)[0]
        try:
            return os.waitpid(pid, os.WNOHANG)[0] == 0
        except ChildProcessError:
            return False


def _kill_helper_processes():
    """Every process of the helper's uid (a renderer that left the browser's process group too)."""
    with identity.acting_as(identity.HELPER_UID):
        for pid in helper_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def helper_pids():
    """The processes running as the helper's uid."""
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit() and real_uid(name) == identity.HELPER_UID:
            pids.append(int(name))
    return pids


def is_page_step(step):
    return step["action"] in PAGE_ACTIONS
