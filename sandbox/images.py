"""The runner image: a cached base image made from sandbox/image/packages.txt, plus a thin layer of our files.

The base (`grader-base:<hash12>`, about a minute to build) changes only with the package list; the
runner (`grader-runner:<hash12>`, seconds) changes with the in-container files. Both names are content
hashes, so "is the image current?" is one inspect call.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from docker import APIClient
from docker.errors import NotFound

from sandbox import debootstrap
from sandbox.engine import engine_errors
from sandbox.errors import SandboxError, SandboxUnavailable
from sandbox.settings import GRADER_UID, HELPER_UID, LEARNER_UID

FORMAT_VERSION = "grader-runner-image/1"
"""Part of every hash: bump it when the way images are built changes, so old images count as stale."""
BASE_REPOSITORY = "grader-base"
RUNNER_REPOSITORY = "grader-runner"
CURRENT = "current"
REGISTRY_BASE = "debian:bookworm-slim"
PULL_TIMEOUT_S = 10.0
LABEL_CONTENT_HASH = "org.grader.content-hash"
LABEL_VERSION = "org.grader.version"
LABEL_BASE = "org.grader.base"
LABEL_BASE_HASH = "org.grader.base-hash"
FIXED_MTIME = 946684800  # 2000-01-01: the layer's tar stays byte-identical between builds
Method = Literal["auto", "registry", "debootstrap"]
Status = Literal["current", "stale", "missing"]
Progress = Callable[[str], None]

ACCOUNTS_STEP = (
    "RUN set -e; "
    f"echo 'learner:x:{LEARNER_UID}:{LEARNER_UID}:learner programs:/tmp:/usr/sbin/nologin' >> /etc/passwd; "
    f"echo 'grader:x:{GRADER_UID}:{GRADER_UID}:grading harness:/tmp:/usr/sbin/nologin' >> /etc/passwd; "
    f"echo 'helper:x:{HELPER_UID}:{HELPER_UID}:helper:/tmp/helper:/usr/sbin/nologin' >> /etc/passwd; "
    f"echo 'learner:x:{LEARNER_UID}:' >> /etc/group; "
    f"echo 'grader:x:{GRADER_UID}:' >> /etc/group; "
    f"echo 'helper:x:{HELPER_UID}:' >> /etc/group; "
    "find / -xdev -type f -perm /6000 -exec chmod ug-s {} +\n"
)
"""The three uids of a sandbox by name (for `id`, `ls -l`, Python's pwd) and no setuid or setgid program
left in the image: no-new-privileges already makes them grant nothing; without them nothing is left
to try. (No /checks folder: the engine would give the tmpfs mounted there that folder's mode, not 0700.)"""

_PACKAGE = re.compile(r"[a-z0-9][a-z0-9+.-]+")
_CONTAINER_DIR = re.compile(r"(/[A-Za-z0-9_][A-Za-z0-9._-]*)+")


@dataclass(frozen=True)
class PlannedFile:
    """One file of the runner layer: its path in the container, exec bit and content."""

    path: str
    executable: bool
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class ImagePlan:
    """Everything a build needs, hashed, computed without the engine (see `runner_image_plan`)."""

    packages: tuple[str, ...]
    packages_text: str
    dockerfile_text: str
    base_hash: str
    trees: tuple[str, ...]
    files: tuple[PlannedFile, ...] = field(repr=False)
    runner_dockerfile: str
    content_hash: str
    repository: str = RUNNER_REPOSITORY

    @property
    def base_tag(self) -> str:
        return f"{BASE_REPOSITORY}:{self.base_hash[:12]}"

    @property
    def tag(self) -> str:
        return f"{self.repository}:{self.content_hash[:12]}"

    @property
    def current_tag(self) -> str:
        return f"{self.repository}:{CURRENT}"


@dataclass(frozen=True)
class ImageInfo:
    """The runner image after `build_runner_image`; `built` is False when it was already current."""

    tag: str
    image_id: str
    content_hash: str
    built: bool


def parse_package_list(text: str, source: str = "packages.txt") -> tuple[str, ...]:
    """The package names of a package list: one a line, `#` comments and blank lines allowed.

    Raises:
        SandboxError: a line is not a package name, a package is listed twice, or none is listed.
    """
    first_seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        name = line.split("#", 1)[0].strip()
        if not name:
            continue
        if not _PACKAGE.fullmatch(name):
            raise SandboxError(f"{source}:{number}: {name!r} is not a Debian package name (one per line)")
        if name in first_seen:
            first = first_seen[name]
            raise SandboxError(f"{source}:{number}: {name!r} is listed twice (first on line {first})")
        first_seen[name] = number
    if not first_seen:
        raise SandboxError(f"{source}: lists no packages")
    return tuple(first_seen)


def runner_image_plan(packages_file: Path, trees: Mapping[str, Path], *,
                      repository: str = RUNNER_REPOSITORY, commands: tuple[str, ...] = ()) -> ImagePlan:
    """Read the package list (and the Dockerfile beside it) and the trees, and hash them.

    Args:
        packages_file: sandbox/image/packages.txt; sandbox/image/Dockerfile is read from the same folder.
        trees: container folder -> host folder, e.g. {"/opt/sandbox": repo / "sandbox/incontainer"}.
        repository: the runner image's repository (tests use their own so they never move `current`).
        commands: shell commands run in the image once the folders are in it (no network), each a
            build step of its own: what the programs of the trees prepare ahead (a start-up snapshot).

    Raises:
        SandboxError: the package list is invalid, or a folder is missing or badly named.
    """
    packages_text = packages_file.read_text(encoding="utf-8")
    packages = parse_package_list(packages_text, str(packages_file))
    dockerfile = packages_file.with_name("Dockerfile")
    dockerfile_text = dockerfile.read_text(encoding="utf-8") if dockerfile.is_file() else ""
    base_hash = _sha256_json({"format": FORMAT_VERSION, "packages": packages_text,
                              "dockerfile": dockerfile_text})
    dirs = tuple(sorted(trees))
    for directory in dirs:
        if not _CONTAINER_DIR.fullmatch(directory) or any(directory.startswith(d + "/") for d in dirs):
            raise SandboxError(f"{directory!r} cannot hold a copied folder: use distinct absolute paths")
        if not trees[directory].is_dir():
            raise SandboxError(f"{trees[directory]}: no such folder (to copy to {directory} in the image)")
    files = tuple(sorted((f for d in dirs for f in _collect(d, trees[d])), key=lambda f: f.path))
    if any("\n" in command or not command.strip() for command in commands):
        raise SandboxError("an image build command is one line of shell")
    base_tag = f"{BASE_REPOSITORY}:{base_hash[:12]}"
    runner_dockerfile = "".join(
        [f"FROM {base_tag}\n", "ENV LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 HOME=/tmp\n", ACCOUNTS_STEP]
        + [f"COPY {d[1:]}/ {d}/\n" for d in dirs]
        + [f"RUN {command}\n" for command in commands]
        + ["WORKDIR /work\n"]
    )
    content_hash = _sha256_json({
        "format": FORMAT_VERSION, "base": base_hash, "dockerfile": runner_dockerfile,
        "files": [[f.path, f.executable, hashlib.sha256(f.data).hexdigest()] for f in files],
    })
    return ImagePlan(packages, packages_text, dockerfile_text, base_hash, dirs, files, runner_dockerfile,
                     content_hash, repository)


def image_status(client: APIClient, plan: ImagePlan) -> Status:
    """"current": the plan's image exists; "stale": an older runner image exists; "missing": none.

    Raises:
        SandboxUnavailable: the engine is not reachable.
    """
    with engine_errors():
        if _current_id(client, plan):
            return "current"
        if _inspect(client, plan.tag) or _inspect(client, plan.current_tag):
            return "stale"
    return "missing"


def build_runner_image(client: APIClient, plan: ImagePlan, *, method: Method = "auto",
                       progress: Progress = lambda message: None, mirror: str | None = None) -> ImageInfo:
    """Make sure the runner image of `plan` exists, building only what is missing, and tag it `current`.

    Args:
        method: how to make a missing base image: "registry" (sandbox/image/Dockerfile FROM
            debian:bookworm-slim), "debootstrap" (no registry; needs root), or "auto" (registry when
            that image is here or can be pulled within seconds, otherwise debootstrap).
        progress: told about every stage in a sentence.
        mirror: the Debian mirror for debootstrap; default: apt's sources.

    Returns:
        The image; `built` is False when it was already current (one inspect call).

    Raises:
        SandboxUnavailable: the engine is down, or this host cannot build the base (no debootstrap, not
            root, no mirror, no registry when method="registry").
        SandboxError: a build step failed; the message says which and where its log is.
    """
    started = time.monotonic()
    progress(f"checking {plan.tag}")
    with engine_errors(image=plan.tag):
        image_id = _current_id(client, plan)
        if image_id:
            client.tag(image_id, plan.repository, CURRENT, force=True)
            progress(f"{plan.tag} is current (checked in {time.monotonic() - started:.2f} s)")
            return ImageInfo(plan.tag, image_id, plan.content_hash, built=False)
        _ensure_base(client, plan, method, progress, mirror)
        progress(f"building layer {plan.tag} on {plan.base_tag}")
        labels = {LABEL_CONTENT_HASH: plan.content_hash, LABEL_VERSION: grader_version(),
                  LABEL_BASE: plan.base_tag}
        image_id = _build(client, _layer_context(plan), tag=plan.tag, labels=labels, network_mode="none")
        client.tag(image_id, plan.repository, CURRENT, force=True)
    progress(f"done: {plan.tag} in {time.monotonic() - started:.1f} s")
    return ImageInfo(plan.tag, image_id, plan.content_hash, built=True)


def adopt_runner_image(client: APIClient, tag: str, content_hash: str) -> None:
    """Make the loaded image `tag` the current runner image, once its label proves it is the image
    with `content_hash` (a bundle names both).

    Raises:
        SandboxError: the image under `tag` is another one.
        SandboxUnavailable: it is missing, or the engine is down.
    """
    with engine_errors(image=tag):
        labels = client.inspect_image(tag)["Config"]["Labels"] or {}  # type: ignore[no-untyped-call]
        if labels.get(LABEL_CONTENT_HASH) != content_hash:
            raise SandboxError(f"the loaded {tag} is not the image the bundle names")
        client.tag(tag, tag.split(":", 1)[0], CURRENT, force=True)


def grader_version() -> str:
    """The installed grader's version, or "0+unknown" when it runs from an uninstalled tree."""
    try:
        return metadata.version("grader")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _ensure_base(client: APIClient, plan: ImagePlan, method: Method, progress: Progress,
                 mirror: str | None) -> None:
    if _inspect(client, plan.base_tag):
        progress(f"base image {plan.base_tag} is present")
        return
    if method != "debootstrap" and _registry_base_available(client, progress):
        progress(f"building base image {plan.base_tag} from {REGISTRY_BASE} with sandbox/image/Dockerfile")
        context = _context([("Dockerfile", False, plan.dockerfile_text.encode()),
                            ("packages.txt", False, plan.packages_text.encode())])
        try:
            _build(client, context, tag=plan.base_tag, labels={LABEL_BASE_HASH: plan.base_hash})
            return
        except SandboxError as error:
            if method == "registry":
                raise
            progress(f"the registry build failed, so debootstrap instead: {error}")
    elif method == "registry":
        raise SandboxUnavailable(f"{REGISTRY_BASE} is not on this machine and cannot be pulled: build the "
                                 "runner image with method 'debootstrap' (no registry needed) instead.")
    repository, _, tag = plan.base_tag.partition(":")
    debootstrap.build_base_image(
        client, plan.packages, repository, tag, mirror=debootstrap.resolve_mirror(mirror),
        log_path=debootstrap.WORK_DIR / f"grader-debootstrap-{tag}.log", progress=progress,
        labels={LABEL_BASE_HASH: plan.base_hash},
    )


def _registry_base_available(client: APIClient, progress: Progress) -> bool:
    if _inspect(client, REGISTRY_BASE):
        return True
    progress(f"trying to pull {REGISTRY_BASE} (at most {PULL_TIMEOUT_S:.0f} s)")
    repository, _, tag = REGISTRY_BASE.partition(":")

    def pull() -> None:
        try:
            client.pull(repository, tag=tag)
        except Exception:  # any failure means "no registry"; the inspect below decides
            pass

    # The engine's pull has no deadline of its own; a black-holed network would hang it for minutes.
    puller = threading.Thread(target=pull, daemon=True)
    puller.start()
    puller.join(PULL_TIMEOUT_S)
    return not puller.is_alive() and _inspect(client, REGISTRY_BASE) is not None


def _build(client: APIClient, context: bytes, *, tag: str, labels: dict[str, str],
           network_mode: str | None = None) -> str:
    output: list[str] = []
    chunks: Iterator[dict[str, Any]] = client.build(
        fileobj=io.BytesIO(context), custom_context=True, tag=tag, labels=labels, network_mode=network_mode,
        pull=False, rm=True, forcerm=True, decode=True,
    )
    for chunk in chunks:
        output.append(str(chunk.get("stream", "")))
        if "error" in chunk:
            tail = "\n".join("".join(output).strip().splitlines()[-10:])
            raise SandboxError(f"Docker could not build {tag}: {str(chunk['error']).strip()}\n{tail}")
    image = _inspect(client, tag)
    if image is None:
        raise SandboxError(f"Docker finished building {tag} but the image is not there.")
    return str(image["Id"])


def _layer_context(plan: ImagePlan) -> bytes:
    files = [("Dockerfile", False, plan.runner_dockerfile.encode())]
    files += [(f.path[1:], f.executable, f.data) for f in plan.files]
    return _context(files, dirs=[d[1:] for d in plan.trees])


def _context(files: list[tuple[str, bool, bytes]], dirs: Iterable[str] = ()) -> bytes:
    """A build context tar: owned by root, readable by everyone, writable by root only."""
    folders = set(dirs)
    for name in [*folders, *(name for name, _, _ in files)]:
        folders.update(str(parent) for parent in PurePosixPath(name).parents if str(parent) != ".")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name in sorted(folders):
            tar.addfile(_tar_entry(name, 0o755, tarfile.DIRTYPE, 0))
        for name, executable, data in files:
            tar.addfile(_tar_entry(name, 0o755 if executable else 0o644, tarfile.REGTYPE, len(data)),
                        io.BytesIO(data))
    return buffer.getvalue()


def _tar_entry(name: str, mode: int, kind: bytes, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.mode, info.type, info.size, info.mtime = mode, kind, size, FIXED_MTIME
    info.uname = info.gname = "root"
    return info


def _collect(container_dir: str, host_dir: Path) -> Iterator[PlannedFile]:
    for path in sorted(host_dir.rglob("*")):
        relative = path.relative_to(host_dir)
        if "__pycache__" in relative.parts or path.suffix == ".pyc" or not path.is_file():
            continue
        yield PlannedFile(f"{container_dir}/{relative.as_posix()}", bool(path.stat().st_mode & 0o111),
                          path.read_bytes())


def _current_id(client: APIClient, plan: ImagePlan) -> str | None:
    image = _inspect(client, plan.tag)
    labels = ((image or {}).get("Config") or {}).get("Labels") or {}
    return str(image["Id"]) if image and labels.get(LABEL_CONTENT_HASH) == plan.content_hash else None


def _inspect(client: APIClient, reference: str) -> dict[str, Any] | None:
    try:
        return dict(client.inspect_image(reference))  # type: ignore[no-untyped-call]
    except NotFound:
        return None


def _sha256_json(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()
