"""The connection to the Docker engine, and engine failures turned into sentences for an operator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests
from docker import APIClient
from docker.errors import APIError, DockerException, ImageNotFound, NotFound
from docker.utils import kwargs_from_env

from sandbox.errors import SandboxError, SandboxUnavailable

ENGINE_DOWN = (
    "The Docker engine is not reachable ({detail}). Start it (`systemctl start docker`, or "
    "`scripts/docker-up.sh` from the grader's folder) and try again."
)
IMAGE_MISSING = "The runner image {image} is not on this machine. Build it with `grader images build`."
RUNTIME_MISSING = (
    "The Docker engine does not know the runtime {runtime!r}. Register it in /etc/docker/daemon.json "
    "(see docs/sandbox.md, 'gVisor') or set the runtime back to runc."
)


def connect(docker_url: str | None, timeout_s: float) -> APIClient:
    """A low-level client for the engine, checked with a ping.

    Raises:
        SandboxUnavailable: the engine is not running or not reachable.
    """
    client: APIClient | None = None
    try:
        if docker_url:
            client = APIClient(base_url=docker_url, version="auto", timeout=int(timeout_s))
        else:
            kwargs = kwargs_from_env()
            client = APIClient(version="auto", timeout=int(timeout_s), **kwargs)
        client.ping()
    except (DockerException, requests.RequestException, OSError) as error:
        if client is not None:
            client.close()
        raise SandboxUnavailable(ENGINE_DOWN.format(detail=_short(error))) from error
    return client


@contextmanager
def engine_client(docker_url: str | None, timeout_s: float) -> Iterator[APIClient]:
    """`connect`, closed again when the block ends (an unclosed client leaks its sockets)."""
    client = connect(docker_url, timeout_s)
    try:
        yield client
    finally:
        client.close()


@contextmanager
def engine_errors(image: str = "", runtime: str = "") -> Iterator[None]:
    """Turn engine failures inside the block into SandboxError subclasses with plain messages."""
    try:
        yield
    except ImageNotFound as error:
        raise SandboxUnavailable(IMAGE_MISSING.format(image=image)) from error
    except NotFound:
        raise
    except APIError as error:
        text = str(error.explanation or error)
        if "runtime" in text and runtime and runtime in text:
            raise SandboxUnavailable(RUNTIME_MISSING.format(runtime=runtime)) from error
        if error.status_code is not None and error.status_code >= 500:
            raise SandboxUnavailable(f"The Docker engine failed: {_short(error)}") from error
        raise SandboxError(f"The Docker engine refused the request: {_short(error)}") from error
    except (DockerException, requests.RequestException, ConnectionError) as error:
        raise SandboxUnavailable(ENGINE_DOWN.format(detail=_short(error))) from error


def _short(error: BaseException) -> str:
    text = str(getattr(error, "explanation", None) or error).strip() or type(error).__name__
    return text if len(text) <= 300 else text[:300] + "…"
