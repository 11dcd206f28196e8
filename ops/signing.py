"""Ed25519 signatures of bundle manifests, the keys that make them and the keys a site trusts.

A maintainer makes a key pair once (`grader bundle keygen`) and signs every bundle with the private
key; each site holds the public key in `<prefix>/trusted-keys/`. A site that trusts a key installs only
bundles signed by it. Keys are PEM files, so `openssl pkeyutl` can check a signature too (the
bootstrap script does, before any code from the bundle runs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ops.errors import OpsError
from store.site_key import fingerprint

PUBLIC_SUFFIX = ".pub"


@dataclass(frozen=True)
class TrustedKey:
    """A public key and where it came from."""

    path: Path
    key: Ed25519PublicKey
    fingerprint: str


def generate_key_pair(folder: Path, name: str, passphrase: bytes | None) -> tuple[Path, Path, str]:
    """Write `<name>.key` (private, mode 0600, encrypted when `passphrase`) and `<name>.pub` in `folder`.

    Returns:
        The private key's path, the public key's path and the key's fingerprint.

    Raises:
        OpsError: either file already exists (a key is never overwritten).
    """
    folder.mkdir(parents=True, exist_ok=True)
    private_path, public_path = folder / f"{name}.key", folder / f"{name}{PUBLIC_SUFFIX}"
    for path in (private_path, public_path):
        if path.exists():
            raise OpsError(f"{path} already exists: a signing key is never overwritten")
    private = Ed25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    public = private.public_key()
    public_path.write_bytes(public.public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo))
    return private_path, public_path, fingerprint(public)


def private_key_is_encrypted(path: Path) -> bool:
    return b"ENCRYPTED" in path.read_bytes()[:64]


def load_private_key(path: Path, passphrase: bytes | None) -> Ed25519PrivateKey:
    """The signing key in `path`.

    Raises:
        OpsError: the file is missing, is not an Ed25519 private key, or the passphrase is wrong.
    """
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), passphrase or None)
    except FileNotFoundError:
        raise OpsError(f"{path}: no such signing key") from None
    except (ValueError, TypeError) as error:
        raise OpsError(f"{path}: cannot read this signing key ({error})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise OpsError(f"{path} is not an Ed25519 key: make one with `grader bundle keygen`")
    return key


def load_public_key(path: Path) -> TrustedKey:
    """The public key in `path`.

    Raises:
        OpsError: the file is missing or is not an Ed25519 public key.
    """
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except FileNotFoundError:
        raise OpsError(f"{path}: no such public key") from None
    except ValueError as error:
        raise OpsError(f"{path} is not a public key ({error})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise OpsError(f"{path} is not an Ed25519 public key: use the .pub file `grader bundle keygen` made")
    return TrustedKey(path, key, fingerprint(key))


def sign(private: Ed25519PrivateKey, data: bytes) -> bytes:
    return private.sign(data)


def find_signer(data: bytes, signature: bytes, keys: list[TrustedKey]) -> TrustedKey | None:
    """The key among `keys` whose signature of `data` is `signature`, or None."""
    for candidate in keys:
        try:
            candidate.key.verify(signature, data)
        except InvalidSignature:
            continue
        return candidate
    return None


def trusted_keys(folder: Path) -> list[TrustedKey]:
    """Every public key in `folder` (none when the folder does not exist)."""
    if not folder.is_dir():
        return []
    return [load_public_key(path) for path in sorted(folder.glob(f"*{PUBLIC_SUFFIX}"))]


def trust_key(folder: Path, public_path: Path) -> TrustedKey:
    """Copy the public key at `public_path` into `folder`, named by its fingerprint (safe to repeat)."""
    key = load_public_key(public_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{key.fingerprint.removeprefix('SHA256:')}{PUBLIC_SUFFIX}"
    target.write_bytes(public_path.read_bytes())
    return TrustedKey(target, key.key, key.fingerprint)
