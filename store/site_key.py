"""The site's own Ed25519 key: it signs what leaves the site (records of completion, transfer files).

Made once, on first use, in the instance folder like the secret key: `site-signing.key` (mode 0600,
not encrypted, because the site signs without anyone typing a passphrase) and `site-signing.pub`.
Back-ups copy the instance folder, so a restored site keeps signing with the same key. Whoever checks
a record needs only the public key, or its fingerprint to compare by phone.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PRIVATE_FILE = "site-signing.key"
PUBLIC_FILE = "site-signing.pub"


class SiteKeyError(ValueError):
    """The site's key file is there but cannot be used; the message says what to do."""


def fingerprint(key: Ed25519PublicKey) -> str:
    """A short, readable name of a public key, to compare with the one printed by `keygen`."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest()[:24]
    return "SHA256:" + "-".join(digest[i:i + 4] for i in range(0, len(digest), 4))


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


@dataclass(frozen=True)
class SiteKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    @property
    def public_pem(self) -> bytes:
        return public_pem(self.public)


def site_key(instance: Path) -> SiteKey:
    """The key in `<instance>/site-signing.key`, made once with mode 0600 (safe when processes race),
    and its public half beside it.

    Raises:
        SiteKeyError: the file is not an unencrypted Ed25519 private key.
    """
    path = instance / PRIVATE_FILE
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        draft = instance / f".{PRIVATE_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        try:
            os.link(draft, path)  # atomic: the first process wins, the others read its key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), None)
    except (ValueError, TypeError) as error:
        raise SiteKeyError(f"{path} is not a usable key ({error}): restore it from a back-up") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SiteKeyError(f"{path} is not an Ed25519 key: restore it from a back-up")
    found = SiteKey(key)
    public = instance / PUBLIC_FILE
    if not public.exists() or public.read_bytes() != found.public_pem:
        public.write_bytes(found.public_pem)
    return found
