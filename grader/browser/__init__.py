"""The browser check: what a page must show, read from what Chromium reported, judged on the host."""
