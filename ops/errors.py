"""The errors of site operations: each message says what happened and what to do, in words."""

from __future__ import annotations


class OpsError(Exception):
    """An operation on the site could not be done."""


class BundleRefused(OpsError):
    """A bundle failed its checks (changed, damaged, unsigned or signed by an unknown key)."""


class BackupError(OpsError):
    """A back-up could not be made, read or restored."""
