"""Exercise packs: tracks of exercises shared between sites, signed by whoever made them.

A pack is an uncompressed tar:

    pack.json               what it holds: when and by which grader it was made, its tracks, each
                            exercise with its version (the SHA-256 of its files, as results record it),
                            and every file with its SHA-256 and size
    pack.json.sig           the Ed25519 signature of pack.json
    exercises/<track>/...   the tracks' folders: track.yaml and each exercise

A site reads a pack only when a key it trusts signed it, as it does bundles: the keys it installs
bundles from (`<prefix>/trusted-keys`) and the keys it was given for packs (`<prefix>/trusted-packs`,
`grader pack trust`). Every file is checked against pack.json before anything is used. The pack is then
laid over a copy of the exercises folder and read there: when an exercise or a track it brings has a
mistake, nothing is imported. What is imported is a draft that learners see once it is published.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tarfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from grader.catalog import CATALOG_FILE, CATALOG_KEY, TRACK_FILE, CatalogScan, scan_catalog
from grader.exercise import EXERCISE_FILE
from grader.paths import ignored, walk_files
from grader.scaffold import append_listed
from store.site_key import fingerprint

FORMAT = "grader-pack/1"
MANIFEST = "pack.json"
SIGNATURE = "pack.json.sig"
TOP = "exercises"
TRUSTED_KEYS = "trusted-keys"
TRUSTED_PACKS = "trusted-packs"
MAX_PACK_BYTES = 64 * 1024 * 1024
MAX_FILES = 5000
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
CHUNK = 1024 * 1024
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
TRUST_ADVICE = ("Get the public key from whoever made the pack, compare its fingerprint with them (on paper "
                "or by phone), then run: grader pack trust KEY.pub")


class PackRefused(ValueError):
    """A pack that cannot be exported or imported; the message says why, in words."""


@dataclass(frozen=True)
class FileDigest:
    sha256: str
    size: int


@dataclass(frozen=True)
class PackExercise:
    key: str
    title: str
    version: str
    """The SHA-256 of the exercise's files: the version results name (`provenance.exercise_sha256`)."""


@dataclass(frozen=True)
class PackManifest:
    created: str
    grader_version: str
    signer: str
    """The fingerprint of the key that signed the pack (said when that key is not trusted here)."""
    tracks: tuple[str, ...]
    exercises: dict[str, PackExercise]
    files: dict[str, FileDigest] = field(repr=False)

    def to_bytes(self) -> bytes:
        data = {
            "format": FORMAT, "created": self.created, "grader_version": self.grader_version,
            "signer": self.signer, "tracks": list(self.tracks),
            "exercises": {key: {"title": exercise.title, "version": exercise.version}
                          for key, exercise in self.exercises.items()},
            "files": {name: {"sha256": d.sha256, "size": d.size} for name, d in self.files.items()},
        }
        return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()

    @classmethod
    def from_bytes(cls, raw: bytes, name: str) -> PackManifest:
        """Raises: PackRefused: not a pack manifest of this format."""
        try:
            data: dict[str, Any] = json.loads(raw)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                found = data.get("format") if isinstance(data, dict) else None
                raise PackRefused(f"{name}: {MANIFEST} is of format {found!r}; this grader reads {FORMAT!r}")
            manifest = cls(
                str(data["created"]), str(data["grader_version"]), str(data["signer"]),
                tuple(str(track) for track in data["tracks"]),
                {str(key): PackExercise(str(key), str(ex["title"]), str(ex["version"]))
                 for key, ex in data["exercises"].items()},
                {str(file): FileDigest(str(digest["sha256"]), int(digest["size"]))
                 for file, digest in data["files"].items()})
            datetime.fromisoformat(manifest.created)
        except PackRefused:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise PackRefused(f"{name}: {MANIFEST} is damaged or not a pack's manifest ({error!r})") from None
        return manifest


def trusted_pack_keys(home: Path) -> list[Ed25519PublicKey]:
    """The keys whose packs the site installed in `home` reads: its bundle makers' and its pack authors'.

    Raises:
        PackRefused: a file there is not a public key.
    """
    keys = []
    for folder in (home / TRUSTED_KEYS, home / TRUSTED_PACKS):
        for path in sorted(folder.glob("*.pub")) if folder.is_dir() else []:
            try:
                key = serialization.load_pem_public_key(path.read_bytes())
            except (ValueError, OSError) as error:
                raise PackRefused(f"{path} is not a public key ({error})") from None
            if isinstance(key, Ed25519PublicKey):
                keys.append(key)
    return keys


def trust_pack_key(home: Path, public_pem: bytes) -> tuple[Path, str]:
    """Keep the public key `public_pem` in `<home>/trusted-packs`, named by its fingerprint.

    Raises:
        PackRefused: it is not an Ed25519 public key.
    """
    try:
        key = serialization.load_pem_public_key(public_pem)
    except ValueError as error:
        raise PackRefused(f"this is not a public key ({error})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise PackRefused("this is not an Ed25519 public key: use the .pub file of `grader bundle keygen` or "
                          "of `grader site-key --export`")
    folder = home / TRUSTED_PACKS
    folder.mkdir(parents=True, exist_ok=True)
    name = fingerprint(key)
    target = folder / f"{name.removeprefix('SHA256:')}.pub"
    target.write_bytes(public_pem)
    return target, name


# Export ------------------------------------------------------------------------------------------------


def _track_problems(scan: CatalogScan, track: str) -> list[str]:
    return [str(error) for key, errors in scan.problems.items()
            if key == track or key.startswith(f"{track}/") for error in errors]


def export_pack(root: Path, tracks: Sequence[str], out: Path, key: Ed25519PrivateKey,
                grader_version: str) -> PackManifest:
    """Write the tracks `tracks` of the exercises folder `root` to the pack `out`, signed with `key`.

    Raises:
        PackRefused: no such track, a mistake in one of its exercises, or a link out of its folder.
    """
    root = root.resolve()
    scan = scan_catalog(root)
    names = list(dict.fromkeys(tracks))
    if not names:
        raise PackRefused("name at least one track to put in the pack")
    known = {track.name: track for track in scan.catalog.tracks}
    exercises: dict[str, PackExercise] = {}
    files: dict[str, bytes] = {}
    for name in names:
        if name not in known or not (root / name / TRACK_FILE).is_file():
            raise PackRefused(f"there is no track {name!r} in {root} (a folder with a {TRACK_FILE})")
        problems = _track_problems(scan, name)
        if problems:
            raise PackRefused(f"the track {name} has mistakes; a pack shares only sound exercises:\n  "
                              + "\n  ".join(problems))
        listed, escaping = walk_files(root / name, root / name)
        if escaping:
            raise PackRefused(f"{name}/{escaping[0]} is a link that leads out of its track's folder")
        files.update({f"{TOP}/{name}/{path}": (root / name / path).read_bytes() for path in listed})
        exercises.update({ex.key: PackExercise(ex.key, ex.title, ex.sha256) for ex in known[name].exercises})
    if len(files) > MAX_FILES or sum(len(data) for data in files.values()) > MAX_PACK_BYTES:
        raise PackRefused(f"a pack holds at most {MAX_FILES} files and {MAX_PACK_BYTES // 2**20} MiB")
    manifest = PackManifest(
        datetime.now(UTC).isoformat(timespec="seconds"), grader_version, fingerprint(key.public_key()),
        tuple(names), exercises,
        {path: FileDigest(hashlib.sha256(data).hexdigest(), len(data)) for path, data in files.items()})
    raw = manifest.to_bytes()
    _write_tar(out, {MANIFEST: raw, SIGNATURE: key.sign(raw), **files})
    return manifest


def _write_tar(out: Path, members: dict[str, bytes]) -> None:
    """The tar `out`, whole or not at all, the same bytes for the same members."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        with tarfile.open(staging, "w", format=tarfile.PAX_FORMAT) as archive:
            for name, data in members.items():
                info = tarfile.TarInfo(name)
                info.size, info.mode, info.mtime = len(data), 0o644, 0
                archive.addfile(info, io.BytesIO(data))
        os.replace(staging, out)
    finally:
        staging.unlink(missing_ok=True)


# Reading -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifiedPack:
    """A pack whose every file matches its signed manifest, unpacked into `folder` (`folder/exercises`)."""

    name: str
    manifest: PackManifest
    folder: Path

    @property
    def exercises_root(self) -> Path:
        return self.folder / TOP


def _plain_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (bool(name) and not path.is_absolute() and str(path) == name
            and not any(part in ("", ".", "..") or ignored(part) for part in path.parts))


def _copy_hashed(stream: IO[bytes], target: Path, budget: int) -> FileDigest:
    digest, size = hashlib.sha256(), 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > budget:
                raise PackRefused(f"it unpacks to more than {MAX_PACK_BYTES // 2**20} MiB")
            digest.update(chunk)
            out.write(chunk)
    return FileDigest(digest.hexdigest(), size)


def read_pack(path: Path, trusted: Sequence[Ed25519PublicKey], into: Path, name: str | None = None
              ) -> VerifiedPack:
    """Check the pack at `path` and unpack it into the empty folder `into`.

    Raises:
        PackRefused: not a pack, damaged or changed since it was signed, not signed, or signed by a key
            that is not in `trusted`.
    """
    name = name or path.name
    try:
        if path.stat().st_size > MAX_PACK_BYTES + MAX_MANIFEST_BYTES:
            raise PackRefused(f"{name} is larger than a pack may be ({MAX_PACK_BYTES // 2**20} MiB)")
    except FileNotFoundError:
        raise PackRefused(f"{name}: no such file") from None
    into.mkdir(parents=True, exist_ok=True)
    seen: dict[str, FileDigest] = {}
    special: dict[str, bytes] = {}
    budget = MAX_PACK_BYTES
    try:
        with tarfile.open(path, mode="r:") as archive:
            for member in archive:
                member_name = member.name.rstrip("/") if member.isdir() else member.name
                if not (member.isfile() or member.isdir()) or not _plain_name(member_name):
                    raise PackRefused(f"{name} holds {member_name!r}, which is not a plain file with a plain "
                                      "name: it was not made by `grader pack export`")
                if member_name in seen or member_name in special:
                    raise PackRefused(f"{name} holds {member_name!r} twice")
                if len(seen) >= MAX_FILES:
                    raise PackRefused(f"{name} holds more than {MAX_FILES} files")
                if member.isdir():
                    continue
                stream = archive.extractfile(member)
                assert stream is not None  # a regular file always has a stream
                if member_name in (MANIFEST, SIGNATURE):
                    special[member_name] = stream.read(MAX_MANIFEST_BYTES + 1)
                    continue
                if not member_name.startswith(f"{TOP}/"):
                    raise PackRefused(f"{name} holds {member_name!r}, outside its {TOP}/ folder")
                target = into / member_name
                target.parent.mkdir(parents=True, exist_ok=True)
                seen[member_name] = _copy_hashed(stream, target, budget)
                budget -= seen[member_name].size
    except (tarfile.TarError, OSError, EOFError) as error:
        raise PackRefused(f"{name} is not a pack, or it is damaged or cut short ({error})") from None
    raw, signature = special.get(MANIFEST), special.get(SIGNATURE)
    if raw is None or len(raw) > MAX_MANIFEST_BYTES:
        raise PackRefused(f"{name} is not an exercise pack: it has no {MANIFEST}")
    if signature is None:
        raise PackRefused(f"{name} is not signed: a site imports only packs signed by a key it trusts. "
                          "Ask whoever made it to export it with --sign-key.")
    if not any(_signed_by(key, signature, raw) for key in trusted):
        claimed = _claimed_signer(raw)
        raise PackRefused(f"{name} is not signed by a key this site trusts (it says it was signed by "
                          f"{claimed}), or it was changed after it was signed. {TRUST_ADVICE}")
    manifest = PackManifest.from_bytes(raw, name)
    for file, expected in manifest.files.items():
        found = seen.get(file)
        if found is None:
            raise PackRefused(f"{name} lacks {file}, which its {MANIFEST} lists: it is damaged")
        if found != expected:
            raise PackRefused(f"{name}: {file} does not match its {MANIFEST}: it was changed or damaged "
                              "after the pack was signed")
    extra = sorted(set(seen) - set(manifest.files))
    if extra:
        raise PackRefused(f"{name} holds {extra[0]}, which its {MANIFEST} does not list: it was changed "
                          "after the pack was signed")
    parts = [*manifest.tracks, *(part for key in manifest.exercises for part in key.split("/"))]
    if any(not _NAME.match(part) for part in parts) or any(key.count("/") != 1 for key in manifest.exercises):
        raise PackRefused(f"{name}: its tracks and exercises must be named with letters, digits, - and _")
    tracks = {file.split("/")[1] for file in seen}
    if tracks != set(manifest.tracks) or any(key.split("/")[0] not in tracks for key in manifest.exercises):
        raise PackRefused(f"{name}: its tracks are not those its {MANIFEST} names")
    return VerifiedPack(name, manifest, into)


def _signed_by(key: Ed25519PublicKey, signature: bytes, raw: bytes) -> bool:
    try:
        key.verify(signature, raw)
    except InvalidSignature:
        return False
    return True


def _claimed_signer(raw: bytes) -> str:
    try:
        data = json.loads(raw)
        return str(data["signer"])[:80] if isinstance(data, dict) else "an unknown key"
    except (ValueError, KeyError):
        return "an unknown key"


# Planning and importing --------------------------------------------------------------------------------


@dataclass
class ImportPlan:
    """What importing a verified pack into an exercises folder would do, read from `merged`: a copy of
    the folder with the pack laid over it."""

    pack: VerifiedPack
    merged: Path
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """This site's exercises of the pack's tracks that the pack does not have: kept, listed last."""
    new_tracks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def to_write(self) -> list[str]:
        return self.new + self.changed


def _exercise_folders(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / EXERCISE_FILE).is_file() and not ignored(p.name))


def _versions(scan: CatalogScan) -> dict[str, str]:
    return {exercise.key: exercise.sha256 for exercise in scan.catalog.exercises()}


def plan_import(pack: VerifiedPack, root: Path, work: Path) -> ImportPlan:
    """Lay `pack` over a copy of the exercises folder `root` (in `work`) and say what would change."""
    root = root.resolve()
    merged = work / "merged"
    if root.is_dir():
        shutil.copytree(root, merged, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    else:
        merged.mkdir(parents=True)
    plan = ImportPlan(pack, merged)
    before = scan_catalog(merged)
    here = _versions(before)
    source = pack.exercises_root
    skipped: set[str] = set()
    for track in pack.manifest.tracks:
        ours, theirs = merged / track, source / track
        if ours.exists() and not ours.is_dir():
            plan.problems.append(f"{track}: this site has a file of that name where the pack has a track")
            skipped.add(track)
            continue
        _materialise(ours)
        if not ours.is_dir():
            plan.new_tracks.append(track)
        theirs_exercises = _exercise_folders(theirs)
        local_only = [slug for slug in _exercise_folders(ours) if slug not in theirs_exercises]
        plan.kept += [f"{track}/{slug}" for slug in local_only]
        ours.mkdir(exist_ok=True)
        for entry in sorted(theirs.iterdir()):
            target = ours / entry.name
            _remove(target)
            if entry.is_dir():
                shutil.copytree(entry, target)
            else:
                shutil.copyfile(entry, target)
        for slug in local_only:
            append_listed(ours / TRACK_FILE, "order", slug)
        if track in plan.new_tracks and (merged / CATALOG_FILE).exists():
            _materialise(merged / CATALOG_FILE)
            append_listed(merged / CATALOG_FILE, "tracks", track)
    after = scan_catalog(merged)
    versions = _versions(after)
    old_problems = {str(error) for error in before.errors()}
    touched = (CATALOG_KEY, *pack.manifest.tracks)
    plan.problems += [str(error) for key, errors in sorted(after.problems.items())
                     if key in touched or key.split("/")[0] in pack.manifest.tracks
                     for error in errors if str(error) not in old_problems]
    for key, exercise in sorted(pack.manifest.exercises.items()):
        if key in after.problems or key.split("/")[0] in skipped:
            continue  # said above
        if versions.get(key) != exercise.version:
            plan.problems.append(f"{key}: its files are not the version {MANIFEST} names")
        elif key not in here and key not in before.problems:
            plan.new.append(key)
        elif here.get(key) == exercise.version:
            plan.unchanged.append(key)
        else:
            plan.changed.append(key)
    return plan


def _materialise(path: Path) -> None:
    """Replace the link `path` of the copy by a copy of what it points to: laying the pack over the copy
    must never write through a link into the site's own folder."""
    if not path.is_symlink():
        return
    real = path.resolve()
    path.unlink()
    if real.is_dir():
        shutil.copytree(real, path, symlinks=True)
    elif real.is_file():
        shutil.copyfile(real, path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def apply_import(plan: ImportPlan, root: Path) -> list[Path]:
    """Write what `plan` changes into the exercises folder `root`: each new or changed exercise whole,
    then its track's own files, then catalog.yaml. Returns what was written.

    Raises:
        PackRefused: the plan has problems.
    """
    if not plan.ok:
        raise PackRefused("the pack has problems, so nothing was imported:\n  " + "\n  ".join(plan.problems))
    root = root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for key in plan.to_write:
        _replace_folder(plan.merged / key, root / key)
        written.append(root / key)
    for track in plan.pack.manifest.tracks:
        merged_track = plan.merged / track
        (root / track).mkdir(exist_ok=True)
        slugs = set(_exercise_folders(merged_track))
        for entry in sorted(merged_track.iterdir()):
            if entry.name in slugs:
                continue
            if entry.is_dir():
                _replace_folder(entry, root / track / entry.name)
            elif _differs(entry, root / track / entry.name):
                _replace_file(entry, root / track / entry.name)
            else:
                continue
            written.append(root / track / entry.name)
    catalog = plan.merged / CATALOG_FILE
    if catalog.is_file() and _differs(catalog, root / CATALOG_FILE):
        _replace_file(catalog, root / CATALOG_FILE)
        written.append(root / CATALOG_FILE)
    return written


def _differs(source: Path, target: Path) -> bool:
    return not target.is_file() or target.read_bytes() != source.read_bytes()


def _replace_file(source: Path, target: Path) -> None:
    staging = target.with_name(f".importing-{target.name}")
    shutil.copyfile(source, staging)
    os.replace(staging, target)


def _replace_folder(source: Path, target: Path) -> None:
    """`target` becomes a copy of `source`: the copy is made beside it, then swapped in."""
    staging = target.with_name(f".importing-{target.name}")
    old = target.with_name(f".replaced-{target.name}")
    for leftover in (staging, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(source, staging)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old)


def describe(plan: ImportPlan) -> Iterable[str]:
    """The plan in lines for people: what is new, changed, the same, kept."""
    groups = (("new", plan.new), ("changed", plan.changed), ("the same as here", plan.unchanged),
              ("only here, kept", plan.kept))
    for label, keys in groups:
        for key in keys:
            yield f"{label:<17} {key}"
