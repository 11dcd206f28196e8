"""`grader bundle create`: one tar holding everything a site with no internet needs to install or
upgrade the grader: the runner image (and its base), optionally the application image, wheels of the
grader and of every dependency, the curriculum, the bootstrap script and a signed manifest.

    manifest.json  manifest.json.sig  install.sh  README.txt
    wheels/*.whl   exercises/<track>/<slug>/...   docs/...   images/runner.tar  [images/app.tar]
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from packaging.utils import parse_wheel_filename

from grader.runner_image import image_engine, runner_plan
from ops.errors import OpsError
from ops.manifest import (
    BOOTSTRAP,
    EXERCISES,
    GUIDES,
    IMAGES,
    MANIFEST,
    SIGNATURE,
    WHEELS,
    FileEntry,
    ImageEntry,
    Manifest,
)
from ops.signing import sign
from ops.venv import offline_venv, python_version
from ops.verify import sha256_of
from ops.wheels import TargetPython, build_wheels

BOOTSTRAP_SOURCE = Path("scripts") / "install-from-bundle.sh"
APP_REPOSITORY = "grader-app"
SKIPPED = ("__pycache__", ".git")
Progress = Callable[[str], None]
README = """\
Grader {version}, made {created}: an installation bundle for a machine with no internet.

Keep this file whole: every part of it is checked (SHA-256, and the signature when the site trusts a
signing key) before anything is installed, and a changed or damaged bundle is refused.

First installation (Debian 12 with Docker and Python 3; as root):

    tar -xf BUNDLE.tar install.sh
    sh install.sh BUNDLE.tar --trust /path/to/signing-key.pub

Upgrade of a site that runs the grader already (as root):

    /opt/grader/bin/grader bundle install BUNDLE.tar

The grader's guide docs/operations.md, section "Installing without internet", tells every step; it is
in this bundle (tar -xf BUNDLE.tar docs) and, once installed, in /opt/grader/current/docs.
"""


@dataclass(frozen=True)
class BundleOptions:
    out: Path
    source: Path  # the grader's source folder (pyproject.toml)
    exercises: Path
    app_image: bool = False
    sign_key: Ed25519PrivateKey | None = field(default=None, repr=False)
    target: TargetPython = TargetPython()
    docker_url: str | None = None


@dataclass(frozen=True)
class CreatedBundle:
    path: Path
    manifest: Manifest
    size: int
    seconds: float
    tried_with: str | None  # the Python the wheels were installed with, to try them; None: none here


def create_bundle(options: BundleOptions, progress: Progress) -> CreatedBundle:
    """Build the bundle `options.out` (written whole, then renamed: never half a bundle).

    Raises:
        OpsError: a part could not be made (pip, Docker, a missing image or folder).
        SandboxUnavailable: the Docker engine is not reachable.
    """
    started = time.monotonic()
    if not (options.source / "pyproject.toml").is_file():
        raise OpsError(f"{options.source} is not the grader's source folder (no pyproject.toml)")
    if not options.exercises.is_dir():
        raise OpsError(f"{options.exercises}: no such curriculum folder")
    created = datetime.now(UTC).replace(microsecond=0)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".grader-bundle-", dir=options.out.parent) as scratch:
        work = Path(scratch)
        progress(f"wheels for CPython {options.target.version} ({options.target.platform})")
        wheel = build_wheels(options.source, work / WHEELS, options.target)
        version = str(parse_wheel_filename(wheel.name)[1])
        tried_with = _try_wheels(work, version, options.target, progress)
        parts: dict[str, Path] = {f"{WHEELS}/{p.name}": p for p in sorted((work / WHEELS).glob("*.whl"))}
        images, runner_tag, runner_hash = _save_images(options, wheel, version, work, progress)
        parts.update({image.file: work / image.file for image in images})
        exercises = _curriculum(options.exercises, work / EXERCISES)
        parts.update(exercises)
        parts.update(_guides(options.source, work / GUIDES))
        parts[BOOTSTRAP] = Path(shutil.copy(options.source / BOOTSTRAP_SOURCE, work / BOOTSTRAP))
        (work / "README.txt").write_text(README.format(version=version, created=created.isoformat()))
        parts["README.txt"] = work / "README.txt"
        progress(f"hashing {len(parts)} files")
        files = {}
        for name, path in parts.items():
            with path.open("rb") as handle:
                files[name] = FileEntry(*sha256_of(handle))
        manifest = Manifest(
            version, created.isoformat(), options.target.short_version, options.target.platform, runner_tag,
            runner_hash, tuple(images), sum(1 for n in exercises if n.endswith("/exercise.yaml")), files)
        progress(f"writing {options.out}")
        _write_tar(options, manifest, parts, created)
    return CreatedBundle(options.out, manifest, options.out.stat().st_size, time.monotonic() - started,
                         tried_with)


def _try_wheels(work: Path, version: str, target: TargetPython, progress: Progress) -> str | None:
    """Install the wheels as a site will, with a Python of the target's version if this machine has one,
    and start the grader: a bundle whose packages cannot start the grader is never made."""
    candidates = [f"/usr/bin/python{target.short_version}", shutil.which(f"python{target.short_version}")]
    python = next((c for c in candidates if c and python_version(c) == target.short_version), None)
    if python is None:
        progress(f"not tried: this machine has no Python {target.short_version}")
        return None
    progress(f"trying the wheels with {python} (no index)")
    try:
        offline_venv(python, work / "try-venv", work / WHEELS, f"grader=={version}")
    except OpsError as error:
        raise OpsError(f"the bundle's wheels do not make a working grader on {python}: {error}") from None
    shutil.rmtree(work / "try-venv")
    return python


def _save_images(options: BundleOptions, wheel: Path, version: str, work: Path,
                 progress: Progress) -> tuple[list[ImageEntry], str, str]:
    # The image must match the code in the wheel, not the working tree (which may have moved on).
    unpacked = work / "unpacked"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked, [n for n in archive.namelist() if n.startswith(("sandbox/", "grader/"))])
    plan = runner_plan(unpacked)
    with image_engine(options.docker_url) as engine:
        info = engine.build_runner(plan, lambda message: progress(f"  {message}"))
        (work / IMAGES).mkdir()
        tags = [info.tag] + ([plan.base_tag] if engine.image_id(plan.base_tag) else [])
        progress(f"docker save {' '.join(tags)}")
        images = [ImageEntry(f"{IMAGES}/runner.tar", engine.save(tags, work / IMAGES / "runner.tar"))]
        if options.app_image:
            app_tag = f"{APP_REPOSITORY}:{version}"
            if engine.image_id(app_tag) is None:
                raise OpsError(f"the application image {app_tag} is not here: build it with "
                               "scripts/build-app-image.sh, or leave out --app-image")
            progress(f"docker save {app_tag}")
            saved = engine.save([app_tag], work / IMAGES / "app.tar")
            images.append(ImageEntry(f"{IMAGES}/app.tar", saved))
    return images, info.tag, plan.content_hash


def _curriculum(root: Path, copy: Path) -> dict[str, Path]:
    """The curriculum's files, copied first: the tree may be edited while the bundle is made, and the
    files written must be those hashed."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not any(part in SKIPPED for part in relative.parts) and path.suffix != ".pyc":
            target = copy / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            found[f"{EXERCISES}/{relative.as_posix()}"] = Path(shutil.copy2(path, target))
    if not found:
        raise OpsError(f"{root} holds no exercises")
    return found


def _guides(source: Path, copy: Path) -> dict[str, Path]:
    """README.md and the guides of docs/ (with their pictures), copied like the curriculum."""
    found = {}
    sources = [source / "README.md", *sorted(p for p in (source / GUIDES).rglob("*") if p.is_file())]
    for path in sources:
        relative = path.relative_to(source / GUIDES) if path.parent != source else Path(path.name)
        target = copy / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        found[f"{GUIDES}/{relative.as_posix()}"] = Path(shutil.copy2(path, target))
    return found


def _write_tar(options: BundleOptions, manifest: Manifest, parts: dict[str, Path], created: datetime) -> None:
    raw = manifest.to_bytes()
    members: list[tuple[str, Path | bytes]] = [(MANIFEST, raw)]
    if options.sign_key is not None:
        members.append((SIGNATURE, sign(options.sign_key, raw)))
    first = [BOOTSTRAP, "README.txt"]
    big_last = sorted(parts, key=lambda name: (name not in first, name.startswith(f"{IMAGES}/"), name))
    members += [(name, parts[name]) for name in big_last]
    draft = options.out.with_name(f".{options.out.name}.partial")
    try:
        with tarfile.open(draft, mode="w:", format=tarfile.PAX_FORMAT) as archive:
            for name, content in members:
                info = tarfile.TarInfo(name)
                info.mtime, info.mode = int(created.timestamp()), 0o755 if name == BOOTSTRAP else 0o644
                info.uname = info.gname = "root"
                if isinstance(content, bytes):
                    info.size = len(content)
                    archive.addfile(info, io.BytesIO(content))
                else:
                    info.size = content.stat().st_size
                    with content.open("rb") as handle:
                        archive.addfile(info, handle)
        os.replace(draft, options.out)
    finally:
        draft.unlink(missing_ok=True)

