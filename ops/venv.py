"""A virtual environment made from a folder of wheels alone: `python -m venv --without-pip`, pip run
from its own wheel with no index, no cache and no pip setting of this machine, then a check that the
grader starts. The installer makes the site's environments so; `bundle create` tries a bundle so."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

from ops.errors import OpsError

Run = Callable[[list[str], Mapping[str, str]], "subprocess.CompletedProcess[str]"]


def run_quietly(command: list[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=dict(env), capture_output=True, text=True)


def python_version(python: str, run: Run = run_quietly) -> str | None:
    """"3.11" for a Python 3.11 interpreter; None when `python` does not run."""
    try:
        done = run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], os.environ)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _last_line(done: subprocess.CompletedProcess[str]) -> str:
    return ((done.stderr + done.stdout).strip().splitlines() or [f"exit {done.returncode}"])[-1]


def offline_venv(python: str, venv: Path, wheels: Path, requirement: str, run: Run = run_quietly) -> None:
    """Make `venv` with `python` and install `requirement` from the wheels in `wheels` only.

    Raises:
        OpsError: a step failed (the half-made `venv` is removed); the message says which.
    """
    pip = next(wheels.glob("pip-*.whl"), None)
    if pip is None:
        raise OpsError(f"{wheels} has no pip wheel")
    made = run([python, "-m", "venv", "--without-pip", str(venv)], os.environ)
    failure = None
    if made.returncode != 0:
        failure = f"{python} could not make a virtual environment ({_last_line(made)})"
    if failure is None:
        # No index, no cache, no setting of this machine: the wheels are the only source of packages.
        command = [str(venv / "bin" / "python"), f"{pip}/pip", "install", "--isolated", "--no-index",
                   "--find-links", str(wheels), "--no-cache-dir", "--disable-pip-version-check", requirement]
        bare = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PIP_CONFIG_FILE": os.devnull}
        installed = run(command, bare)
        if installed.returncode != 0:
            failure = f"pip could not install the packages ({_last_line(installed)})"
    if failure is None:
        started = run([str(venv / "bin" / "grader"), "--version"], os.environ)
        if started.returncode != 0:
            failure = f"the packages installed, but the grader does not start ({_last_line(started)})"
    if failure is not None:
        shutil.rmtree(venv, ignore_errors=True)
        raise OpsError(failure)
