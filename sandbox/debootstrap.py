"""The runner's base image without a registry: debootstrap a Debian root file system, import it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

from docker import APIClient

from sandbox.engine import engine_errors
from sandbox.errors import SandboxError, SandboxUnavailable

SUITE = "bookworm"
MIRROR_ENV = "GRADER_DEBIAN_MIRROR"
WORK_DIR = Path("/var/tmp")
"""Where the root file system (about 400 MB) is made: /tmp is often a small tmpfs."""
TRIMMED = ("var/lib/apt/lists", "var/cache/apt", "usr/share/doc", "usr/share/man", "usr/share/info",
           "usr/share/locale", "var/log")
"""Emptied after debootstrap: nothing in a runner reads them and apt never runs inside one."""
IMPORT_CHANGES = ["ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]

_ONE_LINE = re.compile(r"^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)")


def detect_mirror(apt_dir: Path = Path("/etc/apt"), suite: str = SUITE) -> str | None:
    """The first `deb` mirror URL that serves `suite` in this machine's apt sources.

    Reads sources.list, then sources.list.d/*.list and *.sources (one-line and deb822 formats).

    Returns:
        The URL, or None when no source serves the suite.
    """
    candidates = [apt_dir / "sources.list"]
    extra = (apt_dir / "sources.list.d").glob("*")
    candidates += sorted(path for path in extra if path.suffix in (".list", ".sources"))
    for path in candidates:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        parse = _deb822_mirrors if path.suffix == ".sources" else _one_line_mirrors
        for url, suites in parse(text):
            if suite in suites:
                return url
    return None


def _one_line_mirrors(text: str) -> Iterator[tuple[str, list[str]]]:
    for line in text.splitlines():
        match = _ONE_LINE.match(line.split("#", 1)[0].strip())
        if match:
            yield match.group(1), [match.group(2)]


def _deb822_mirrors(text: str) -> Iterator[tuple[str, list[str]]]:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    for stanza in re.split(r"\n\s*\n", "\n".join(lines)):
        fields: dict[str, str] = {}
        key = ""
        for line in stanza.splitlines():
            if line[:1].isspace() and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                key = key.strip().lower()
                fields[key] = value.strip()
        if "deb" in fields.get("types", "").split() and fields.get("enabled", "yes").lower() != "no":
            suites = fields.get("suites", "").split()
            for url in fields.get("uris", "").split():
                yield url, suites


def resolve_mirror(explicit: str | None = None) -> str:
    """The mirror to debootstrap from: `explicit` (GRADER_DEBIAN_MIRROR, given by the caller's settings),
    else apt's sources.

    Raises:
        SandboxUnavailable: no mirror is configured anywhere.
    """
    mirror = explicit or detect_mirror()
    if not mirror:
        raise SandboxUnavailable(
            f"No Debian {SUITE} mirror is configured in /etc/apt/sources.list(.d). Set {MIRROR_ENV} to a "
            f"mirror, for example {MIRROR_ENV}=file:///media/usb/debian, and build again."
        )
    return mirror


def check_prerequisites() -> None:
    """Raises SandboxUnavailable when this host cannot debootstrap: not root, or no debootstrap."""
    if shutil.which("debootstrap") is None:
        raise SandboxUnavailable(
            "Building the runner image without a container registry needs debootstrap, which is not "
            "installed. Install it with `apt-get install debootstrap` and build again."
        )
    if os.geteuid() != 0:
        raise SandboxUnavailable(
            "Building the runner image without a container registry runs debootstrap, which needs root. "
            "Run `grader images build` as root (for example with sudo)."
        )


def build_base_image(client: APIClient, packages: Sequence[str], repository: str, tag: str, *,
                     mirror: str, log_path: Path, progress: Callable[[str], None],
                     labels: Mapping[str, str] | None = None) -> None:
    """Debootstrap `packages` from `mirror`, trim caches and import the result as `repository:tag`.

    Raises:
        SandboxError: debootstrap or the import failed; the message names the log file.
    """
    check_prerequisites()
    rootfs = Path(tempfile.mkdtemp(prefix="grader-rootfs-", dir=WORK_DIR))
    try:
        rootfs.chmod(0o755)  # becomes the image's "/": mkdtemp's 0700 would lock uid 1000 out of everything
        progress(f"debootstrap started: {SUITE} from {mirror} (about a minute; log: {log_path})")
        command = ["debootstrap", "--variant=minbase", "--include=" + ",".join(packages),
                   SUITE, str(rootfs), mirror]
        with log_path.open("wb") as log:
            done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        _unmount_below(rootfs)
        if done.returncode != 0:
            raise SandboxError(
                f"debootstrap could not build the runner's base system from {mirror} (exit "
                f"{done.returncode}). See {log_path}; its last lines:\n{_tail(log_path)}"
            )
        _trim(rootfs)
        progress(f"importing the root file system as {repository}:{tag}")
        changes = IMPORT_CHANGES + [f"LABEL {key}={value}" for key, value in (labels or {}).items()]
        _import(client, rootfs, repository, tag, changes, log_path)
    finally:
        _remove(rootfs)


def _trim(rootfs: Path) -> None:
    for relative in TRIMMED:
        directory = rootfs / relative
        for child in directory.iterdir() if directory.is_dir() else ():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    # debootstrap copies the host's; the engine mounts its own over them at run time.
    (rootfs / "etc/resolv.conf").write_text("")
    (rootfs / "etc/hostname").write_text("runner\n")


def _import(client: APIClient, rootfs: Path, repository: str, tag: str, changes: list[str],
            log_path: Path) -> None:
    with log_path.open("ab") as log:
        tar = subprocess.Popen(["tar", "--numeric-owner", "-C", str(rootfs), "-c", "."],
                               stdout=subprocess.PIPE, stderr=log)
        assert tar.stdout is not None
        try:
            with engine_errors():
                answer = client.import_image(src=_chunks(tar.stdout), repository=repository, tag=tag,
                                             changes=changes, stream_src=True)
        finally:
            tar.stdout.close()
            returncode = tar.wait()
    for line in str(answer).splitlines():
        message = json.loads(line) if line.strip().startswith("{") else {}
        if "error" in message:
            raise SandboxError(f"The Docker engine could not import the base system: {message['error']}")
    if returncode != 0:
        raise SandboxError(f"tar could not pack the base system (exit {returncode}); see {log_path}.")


def _chunks(stream: IO[bytes], size: int = 1 << 20) -> Iterator[bytes]:
    while chunk := stream.read(size):
        yield chunk


def _mounts_below(root: Path) -> list[str]:
    prefix = str(root).rstrip("/") + "/"
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        points = [line.split()[1].encode().decode("unicode_escape") for line in mounts]
    return sorted((p for p in points if p.startswith(prefix)), reverse=True)


def _unmount_below(root: Path) -> None:
    """debootstrap unmounts /proc and /sys of the target when it ends; make sure, as a crash may not."""
    for point in _mounts_below(root):
        subprocess.run(["umount", "--lazy", point], check=False, capture_output=True)


def _remove(rootfs: Path) -> None:
    _unmount_below(rootfs)
    if _mounts_below(rootfs):
        # Deleting through a bind mount of /dev or /proc would delete the host's files.
        raise SandboxError(f"{rootfs} still has file systems mounted in it: unmount them and delete it.")
    shutil.rmtree(rootfs, ignore_errors=True)


def _tail(path: Path, lines: int = 15) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])
