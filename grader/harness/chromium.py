"""Headless Chromium as the sandbox's prelaunched helper: `python3 /opt/harness/chromium.py` becomes the
browser, with its debugging pipe on fds 3 (commands) and 4 (replies) as the helper's contract gives
them (sandbox/incontainer/helper.py: its own uid, its home, its pipes). The entry starts it as soon as
the container starts, before any file of the run exists; the harness starts it again if it is gone.
"""

import os

LAUNCH = ("/usr/bin/python3", "-I", "-S", "/opt/harness/chromium.py")
"""How the plan asks the sandbox to prelaunch the browser (grader/plan.py says the same)."""
BINARY = "/usr/lib/chromium/chromium"
"""The browser itself: /usr/bin/chromium is Debian's shell wrapper, which adds flags we do not want."""
PROFILE = "profile"
"""A throw-away profile in the helper's home (on the capped /tmp, private to the helper's uid)."""
FLAGS = (
    "--headless",
    # Chromium's own sandbox needs user namespaces or a setuid helper, which the container refuses
    # (no capabilities, no-new-privileges, the engine's seccomp profile). The container is the sandbox:
    # no network, a uid of its own, read-only root, capped memory, processes and time.
    "--no-sandbox",
    "--no-zygote",  # no zygote processes: renderers start directly, fewer processes and threads
    "--remote-debugging-pipe",  # commands on fd 3, replies on fd 4: no port, no network at all
    f"--user-data-dir={PROFILE}",
    "--disable-gpu",  # no GPU in a container: software rendering, the same picture on every machine
    "--disable-dev-shm-usage",  # shared memory files go to the helper's home, not the small /dev/shm
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


def main():
    os.execv(BINARY, [BINARY, *FLAGS])


if __name__ == "__main__":
    main()
