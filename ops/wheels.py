"""The Python half of a bundle: a wheel of the grader and binary wheels of every dependency for the
site's interpreter (CPython 3.11 on Debian 12, x86_64), enough for `pip install --no-index`.

pip downloads for another interpreter with `--python-version`, but it evaluates environment markers
with the interpreter that runs it (redis needs async-timeout only below Python 3.11.3, and Debian 12 has
3.11.2). So after downloading, the wheels' own requirements are walked again with the target's markers,
and whatever is missing is fetched, until nothing is.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

from ops.errors import OpsError

DEBIAN_12_PYTHON = "3.11.2"
ROUNDS = 5


@dataclass(frozen=True)
class TargetPython:
    """The interpreter the wheels are for: CPython `version` on glibc `glibc` Linux `machine`."""

    version: str = DEBIAN_12_PYTHON
    glibc: tuple[int, int] = (2, 36)  # Debian 12
    machine: str = "x86_64"

    @property
    def short_version(self) -> str:
        return ".".join(self.version.split(".")[:2])

    @property
    def platform(self) -> str:
        return f"manylinux_{self.glibc[0]}_{self.glibc[1]} {self.machine}"

    def pip_options(self) -> list[str]:
        abi = "cp" + self.short_version.replace(".", "")
        platforms = [f"manylinux2014_{self.machine}"] + [
            f"manylinux_2_{minor}_{self.machine}" for minor in range(17, self.glibc[1] + 1)]
        options = ["--only-binary=:all:", "--python-version", self.version, "--implementation", "cp",
                   "--abi", abi, "--abi", "abi3", "--abi", "none"]
        for platform in platforms:
            options += ["--platform", platform]
        return options

    def markers(self) -> dict[str, str]:
        return {
            "implementation_name": "cpython", "implementation_version": self.version, "os_name": "posix",
            "platform_machine": self.machine, "platform_python_implementation": "CPython",
            "platform_release": "", "platform_system": "Linux", "platform_version": "",
            "python_full_version": self.version, "python_version": self.short_version,
            "sys_platform": "linux",
        }


Run = Callable[[list[str]], None]


def run_pip(arguments: list[str]) -> None:
    """pip of the running interpreter, online, with this machine's pip settings (its index, cache)."""
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *arguments]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise OpsError(f"pip failed: {' '.join(arguments[:3])} …\n{tail}")


def build_wheels(source: Path, dest: Path, target: TargetPython, run: Run = run_pip) -> Path:
    """A wheel of the grader at `source`, pip's own wheel and every dependency's, all in `dest`.

    Returns:
        The grader's wheel.

    Raises:
        OpsError: pip failed, or a requirement has no binary wheel for the target.
    """
    dest.mkdir(parents=True, exist_ok=True)
    run(["wheel", "--quiet", "--no-deps", "--wheel-dir", str(dest), str(source)])
    built = sorted(dest.glob("grader-*.whl"))
    if len(built) != 1:
        raise OpsError(f"expected one grader wheel in {dest}, found {[p.name for p in built]}")
    wanted = [str(built[0]), "pip"]
    for _ in range(ROUNDS):
        run(["download", "--quiet", "--dest", str(dest), *target.pip_options(), *wanted])
        missing = missing_requirements(dest, ["grader", "pip"], target)
        if not missing:
            return built[0]
        # Without their markers: pip would evaluate them for this machine's Python again.
        wanted = [_without_marker(requirement) for requirement in missing]
    raise OpsError(f"no binary wheels for {target.platform} Python {target.version} of: {', '.join(wanted)}")


def _without_marker(requirement: Requirement) -> str:
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    return f"{requirement.name}{extras}{requirement.specifier}"


def _metadata(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        message = Parser().parsestr(archive.read(name).decode("utf-8"))
    return message.get_all("Requires-Dist") or []


def missing_requirements(folder: Path, roots: list[str], target: TargetPython) -> list[Requirement]:
    """What `pip install --no-index --find-links folder ROOTS` on `target` would not find in `folder`."""
    available: dict[str, tuple[Version, Path]] = {}
    for wheel in folder.glob("*.whl"):
        name, version, _build, _tags = parse_wheel_filename(wheel.name)
        if name not in available or version > available[name][0]:
            available[name] = (version, wheel)
    missing: list[Requirement] = []
    queue = [Requirement(root) for root in roots]
    done: set[tuple[str, frozenset[str]]] = set()
    while queue:
        requirement = queue.pop()
        name, extras = canonicalize_name(requirement.name), frozenset(requirement.extras)
        if (name, extras) in done:
            continue
        done.add((name, extras))
        found = available.get(name)
        if found is None or not requirement.specifier.contains(found[0], prereleases=True):
            missing.append(requirement)
            continue
        for line in _metadata(found[1]):
            dependency = Requirement(line)
            marker = dependency.marker
            if marker is None or any(marker.evaluate({**target.markers(), "extra": extra})
                                     for extra in ("", *extras)):
                queue.append(dependency)
    return missing
