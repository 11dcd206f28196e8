"""Starting headless Chromium inside the sandbox, driven over `--remote-debugging-pipe` (see cdp.py)."""

import fcntl
import os
import signal

import cdp

BINARY = "/usr/lib/chromium/chromium"
"""The browser itself: /usr/bin/chromium is Debian's shell wrapper, which adds flags we do not want."""
PROFILE = "/tmp/chromium"
LOG = "/tmp/chromium.log"
FLAGS = (
    "--headless",
    # Chromium's own sandbox needs user namespaces or a setuid helper, which the container refuses
    # (no capabilities, no-new-privileges, the engine's seccomp profile). The container is the sandbox:
    # no network, a non-root uid, read-only root, capped memory, processes and time.
    "--no-sandbox",
    "--no-zygote",  # no zygote processes: renderers start directly, fewer processes and threads
    "--remote-debugging-pipe",  # commands on fd 3, replies on fd 4: no port, no network at all
    f"--user-data-dir={PROFILE}",  # a throw-away profile on the capped /tmp, wiped after the step
    "--disable-gpu",  # no GPU in a container: software rendering, the same picture on every machine
    "--disable-dev-shm-usage",  # shared memory files go to /tmp, the larger of the two capped tmpfs
    "--disable-background-networking",  # no update checks, no safe-browsing lists, no DNS prefetch
    "--disable-component-update",
    "--disable-breakpad",  # no crash reporter
    "--disable-crash-reporter",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pings",
    "--metrics-recording-only",
    "--password-store=basic",
    "--use-mock-keychain",
    "--mute-audio",
    "--hide-scrollbars",  # a page 375 px wide is laid out 375 px wide, and pictures have no scrollbars
    "--force-color-profile=srgb",  # colours as the page wrote them, whatever the host's profile
    "--font-render-hinting=none",  # glyphs the same on every machine, so pictures compare
    "--disable-renderer-backgrounding",  # timers and animations run at full speed though nothing is shown
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-features=Translate,MediaRouter,OptimizationHints,DialMediaRouteProvider,AcceptCHFrame,"
    "InterestFeedContentSuggestions,CalculateNativeWinOcclusion,HttpsUpgrades,PaintHolding",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # a page naming a web address fails at once, with no lookup
    "--js-flags=--max-old-space-size=192",  # a page piling up data crashes its tab before the container's cap
    "--renderer-process-limit=2",
    "about:blank",
)


class Browser:
    """A started Chromium: `connection` talks to it; `stop()` kills it."""

    def __init__(self, pid, connection):
        self.pid = pid
        self.connection = connection

    def stop(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, os.WNOHANG)  # no wait: the harness kills what is left after the step
        except ChildProcessError:
            pass

    def log_tail(self, size=2000):
        try:
            with open(LOG, "rb") as log:
                log.seek(0, os.SEEK_END)
                log.seek(max(0, log.tell() - size))
                return log.read().decode("utf-8", "replace")
        except OSError:
            return ""


def start(on_event=None, kept=()):
    """Fork and exec Chromium with its debugging pipe on fds 3 (commands) and 4 (replies)."""
    commands_r, commands_w = os.pipe()
    replies_r, replies_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            commands_r = fcntl.fcntl(commands_r, fcntl.F_DUPFD, 10)  # out of the way of 0-4
            replies_w = fcntl.fcntl(replies_w, fcntl.F_DUPFD, 10)
            null = os.open(os.devnull, os.O_RDWR)
            log = os.open(LOG, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(null, 0)
            os.dup2(null, 1)
            os.dup2(log, 2)
            os.dup2(commands_r, 3)
            os.dup2(replies_w, 4)
            os.closerange(5, 65536)
            env = {"HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"}
            os.execve(BINARY, [BINARY, *FLAGS], env)
        except BaseException as error:
            os.write(2, f"cannot start Chromium: {error}\n".encode())
        os._exit(127)
    os.close(commands_r)
    os.close(replies_w)
    return Browser(pid, cdp.Connection(commands_w, replies_r, on_event, kept))
