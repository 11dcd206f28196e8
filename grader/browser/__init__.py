"""The browser check: what a page must show, read from what Chromium reported, judged on the host."""


class BrowserFailed(Exception):
    """The browser itself could not run: not the learner's doing, so the submission is not graded."""
