"""The one exception root of the sandbox layer."""


class SandboxError(Exception):
    """Something in the sandbox layer failed; the message is meant for a site operator."""


class SandboxUnavailable(SandboxError):
    """The engine cannot run anything right now: engine down, runtime or image missing.

    Never the learner's fault: a submission that meets this is retried or reported as an error.
    """
