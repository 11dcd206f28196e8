"""The seal of a back-up: an HMAC-SHA256 of its `backup.json` (which lists every file's SHA-256) made
with a key of the site, `<instance>/backup_key`. That key is never put in a back-up, so whoever holds a
back-up file (and the secret key inside it) still cannot make a changed one that this site restores
without `--trust`."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ops.errors import BackupError
from ops.permissions import BACKUP_KEY_FILE, PRIVATE_FILE, make_private_folder

SEAL = "backup.json.hmac"
KEY_BYTES = 32


@dataclass(frozen=True)
class BackupKey:
    secret: bytes

    @property
    def key_id(self) -> str:
        """A name of the key that tells it apart without revealing it."""
        return hashlib.sha256(b"grader-backup-key-id:" + self.secret).hexdigest()[:16]

    def seal(self, info: bytes) -> bytes:
        digest = hmac.new(self.secret, info, hashlib.sha256).hexdigest()
        return (json.dumps({"key": self.key_id, "hmac": digest}) + "\n").encode()

    def opens(self, info: bytes, seal: bytes) -> bool:
        """Whether `seal` is this key's seal of `info`."""
        try:
            found = json.loads(seal)
            given = str(found["hmac"])
        except (ValueError, KeyError, TypeError):
            return False
        return hmac.compare_digest(given, hmac.new(self.secret, info, hashlib.sha256).hexdigest())


def key_id_of(seal: bytes | None) -> str | None:
    """The key id a seal names (None: no seal, or unreadable)."""
    try:
        return str(json.loads(seal or b"")["key"])
    except (ValueError, KeyError, TypeError):
        return None


def existing_key(instance: Path) -> BackupKey | None:
    """The site's back-up key, if it has one yet."""
    path = instance / BACKUP_KEY_FILE
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        return None
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) < KEY_BYTES:
        raise BackupError(f"{path} is damaged (not {KEY_BYTES} bytes in hex): move it away to make a new one "
                          "(back-ups sealed with it then need --trust to be restored)")
    return BackupKey(secret)


def site_key(instance: Path) -> BackupKey:
    """The site's back-up key, made once with mode 0600 (safe when processes race)."""
    found = existing_key(instance)
    if found is not None:
        return found
    if not instance.exists():
        make_private_folder(instance)
    path = instance / BACKUP_KEY_FILE
    draft = instance / f".{BACKUP_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(KEY_BYTES) + "\n")
    try:
        os.link(draft, path)  # atomic: the first process to get here wins, the others read its key
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    key = existing_key(instance)
    assert key is not None
    return key
