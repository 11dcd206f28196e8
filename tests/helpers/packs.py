"""Exercise packs for tests: two sites' exercise folders made with `grader new`, and packs rewritten
member by member (tampered with) the way someone with the file in hand could."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from grader.scaffold import new_exercise


def make_site(root: Path, *keys: str) -> Path:
    """An exercises folder with an io exercise for each `track/slug` of `keys`."""
    root.mkdir(parents=True, exist_ok=True)
    for key in keys:
        new_exercise(root, key, "io")
    return root


def write_public_key(key: Ed25519PrivateKey, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo))
    return path


def write_private_key(key: Ed25519PrivateKey, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return path


def members(pack: Path) -> dict[str, bytes]:
    with tarfile.open(pack, "r:") as archive:
        return {m.name: archive.extractfile(m).read() for m in archive if m.isfile()}  # type: ignore[union-attr]


def rewrite(pack: Path, files: dict[str, bytes], links: dict[str, str] | None = None) -> None:
    """Write `pack` again with `files` (and symbolic links `links`: name -> target)."""
    with tarfile.open(pack, "w") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)


def tree(root: Path) -> dict[str, str]:
    """Every file under `root` (but .git) with its SHA-256: to show that nothing changed."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.relative_to(root).parts}
