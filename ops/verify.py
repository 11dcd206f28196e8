"""Checking a bundle before anything in it is used: every file against the manifest, the manifest
against a trusted signature, and a tar that holds nothing but plain files with plain names."""

from __future__ import annotations

import hashlib
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from ops.errors import BundleRefused
from ops.manifest import MANIFEST, SIGNATURE, FileEntry, Manifest
from ops.signing import TrustedKey, find_signer

CHUNK = 1024 * 1024
ADVICE = "Do not install it: copy the bundle again from the original."


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle whose files all match its manifest; `signer` is the trusted key that signed it (None:
    this site trusts no key) and `signed` whether it carries a signature at all."""

    path: Path
    manifest: Manifest
    signer: TrustedKey | None
    signed: bool

    def summary(self) -> str:
        count = len(self.manifest.files)
        size = sum(entry.size for entry in self.manifest.files.values()) / 1e6
        if self.signer:
            trust = f"signed by the trusted key {self.signer.fingerprint}"
        elif self.signed:
            trust = "signed, but no trusted key was given, so the signature was not checked"
        else:
            trust = "not signed"
        return (f"grader {self.manifest.grader_version} made {self.manifest.created}: {count} files, "
                f"{size:.0f} MB, every SHA-256 matches; {trust}")


def sha256_of(stream: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and str(path) == name


@contextmanager
def open_bundle(path: Path) -> Iterator[tarfile.TarFile]:
    """The bundle as an uncompressed tar.

    Raises:
        BundleRefused: the file is missing or not a tar.
    """
    try:
        archive = tarfile.open(path, mode="r:")
    except FileNotFoundError:
        raise BundleRefused(f"{path}: no such file") from None
    except (tarfile.TarError, OSError) as error:
        raise BundleRefused(f"{path} is not a grader bundle (not a tar archive: {error})") from None
    with archive:
        yield archive


UNSIGNED_ADVICE = (
    "Its programs are installed and run as root, so anyone who could change the bundle on its way here "
    "(a USB stick, a shared folder) would own this machine. Give the maker's public key with --trust "
    "KEY.pub (compare its fingerprint with the one you were given on paper), or, only if you made this "
    "bundle yourself and it never left your hands, --allow-unsigned.")


def verify_bundle(path: Path, keys: list[TrustedKey], *, require_signer: bool = False) -> VerifiedBundle:
    """Check every file of the bundle at `path` against its manifest, and the manifest's signature.

    Args:
        keys: the keys this site trusts; when there is one, the bundle must be signed by one of them.
        require_signer: refuse the bundle unless one of `keys` signed it (an installation), also when
            there is no key at all.

    Raises:
        BundleRefused: with a sentence naming the first problem found.
    """
    seen: dict[str, FileEntry] = {}
    manifest_raw = signature = None
    try:
        with open_bundle(path) as archive:
            for member in archive:
                name = member.name.rstrip("/") if member.isdir() else member.name
                if not (member.isfile() or member.isdir()) or not safe_member_name(name):
                    raise BundleRefused(f"{path}: holds {name!r}, which is not a plain file with a plain "
                                        f"name. {ADVICE}")
                if name in seen or (name == MANIFEST and manifest_raw is not None) or (
                        name == SIGNATURE and signature is not None):
                    raise BundleRefused(f"{path}: holds {name!r} twice. {ADVICE}")
                if member.isdir():
                    continue
                stream = archive.extractfile(member)
                assert stream is not None  # a regular file always has a stream
                if name == MANIFEST:
                    manifest_raw = stream.read()
                elif name == SIGNATURE:
                    signature = stream.read()
                else:
                    seen[name] = FileEntry(*sha256_of(stream))
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BundleRefused(f"{path} is damaged or cut short ({error}). {ADVICE}") from None
    if manifest_raw is None:
        raise BundleRefused(f"{path} is not a grader bundle: it has no {MANIFEST}")
    signer = check_signature(path, manifest_raw, signature, keys)
    manifest = Manifest.from_bytes(manifest_raw)
    compare_files(path, manifest, seen)
    if require_signer and not keys:  # after the files: a damaged bundle is said to be damaged first
        state = "is signed, but this site trusts no key to check it with" if signature is not None else (
            "is not signed, and this site trusts no signing key")
        raise BundleRefused(f"{path} {state}. {UNSIGNED_ADVICE}")
    return VerifiedBundle(path, manifest, signer, signature is not None)


def check_signature(path: Path, manifest_raw: bytes, signature: bytes | None,
                    keys: list[TrustedKey]) -> TrustedKey | None:
    if not keys:
        return None
    trusted = ", ".join(key.fingerprint for key in keys)
    if signature is None:
        raise BundleRefused(f"{path} is not signed, and this site installs only bundles signed by a key it "
                            f"trusts ({trusted}). Ask whoever made it for a signed bundle.")
    signer = find_signer(manifest_raw, signature, keys)
    if signer is None:
        raise BundleRefused(f"{path}: its signature does not match any key this site trusts ({trusted}): it "
                            f"was changed after it was signed, or signed by someone else. {ADVICE}")
    return signer


def compare_files(path: Path, manifest: Manifest, seen: dict[str, FileEntry]) -> None:
    for name, expected in sorted(manifest.files.items()):
        found = seen.get(name)
        if found is None:
            raise BundleRefused(f"{path}: {name} is missing. {ADVICE}")
        if found != expected:
            raise BundleRefused(f"{path}: {name} does not match the manifest (SHA-256 {found.sha256[:16]}…, "
                                f"{found.size} bytes; expected {expected.sha256[:16]}…, {expected.size} "
                                f"bytes): it was changed or damaged after the bundle was made. {ADVICE}")
    extra = sorted(set(seen) - set(manifest.files))
    if extra:
        raise BundleRefused(f"{path}: holds {extra[0]}, which the manifest does not list. {ADVICE}")


class HashingReader:
    """A read-only stream that hashes what passes through it: a file is checked again while it is
    used, so a bundle changed between the check and its use is still caught."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self._digest.update(chunk)
        self.size += len(chunk)
        return chunk

    def entry(self) -> FileEntry:
        return FileEntry(self._digest.hexdigest(), self.size)
