"""Signed documents: what leaves a site with its signature (a record of completion, a transfer file).

One JSON file holds the payload, the Ed25519 signature and the signer's public key:

    {"format": "grader-signed/1", "kind": "record", "payload": {...},
     "signature": "<base64>", "signer": {"fingerprint": "SHA256:...", "public_key": "<base64, 32 bytes>"}}

The signature covers `grader-signed/1\\n<kind>\\n` and the payload as canonical JSON (sorted keys, no
spaces), so a record cannot pass for a transfer file. The file itself is written in one exact form
and read back only in that form, so any changed byte is refused, even one a JSON reader would ignore.
The embedded key proves only that nothing changed since signing; who signed is proved by comparing
it with a key the reader already trusts (`trusted_signer`). The short check code (the key's
fingerprint and a hash of the signed bytes) is printed on paper, to be read out over the phone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from store.site_key import SiteKey, fingerprint

FORMAT = "grader-signed/1"
KINDS = ("record", "transfer")


class DocumentRefused(ValueError):
    """A signed document that cannot be used: damaged, changed, of another kind or not signed by a
    trusted key. The message says which, in words."""


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode()


def signed_bytes(kind: str, payload: dict[str, Any]) -> bytes:
    return f"{FORMAT}\n{kind}\n".encode() + canonical(payload)


def document_hash(kind: str, payload: dict[str, Any]) -> str:
    """16 hex digits of the SHA-256 of what is signed, in groups of four: `7d1e-44a0-9c2b-11fe`."""
    digest = hashlib.sha256(signed_bytes(kind, payload)).hexdigest()[:16]
    return "-".join(digest[i:i + 4] for i in range(0, 16, 4))


def check_code(key_fingerprint: str, kind: str, payload: dict[str, Any]) -> str:
    """What a person reads out to check a printed document: the signer's key and the document."""
    return f"{key_fingerprint} / {document_hash(kind, payload)}"


def _file_bytes(envelope: dict[str, Any]) -> bytes:
    text = json.dumps(envelope, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return text.encode() + b"\n"


def sign_document(key: SiteKey, kind: str, payload: dict[str, Any]) -> bytes:
    """The file holding `payload` signed by `key`."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of signed document: {kind}")
    raw_public = key.public.public_bytes_raw()
    envelope = {
        "format": FORMAT, "kind": kind, "payload": payload,
        "signature": base64.b64encode(key.private.sign(signed_bytes(kind, payload))).decode("ascii"),
        "signer": {"fingerprint": key.fingerprint,
                   "public_key": base64.b64encode(raw_public).decode("ascii")},
    }
    return _file_bytes(envelope)


@dataclass(frozen=True)
class SignedDocument:
    """A document whose signature matches its embedded key: nothing changed since it was signed."""

    kind: str
    payload: dict[str, Any]
    signer: Ed25519PublicKey
    signature: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signer)

    @property
    def check_code(self) -> str:
        return check_code(self.fingerprint, self.kind, self.payload)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(signed_bytes(self.kind, self.payload)).hexdigest()


def _exact_base64(text: object) -> bytes:
    """The bytes `text` encodes, refusing another spelling of them (base64's last character has
    bits nobody reads: a changed one must not pass)."""
    raw = base64.b64decode(str(text), validate=True)
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("not the base64 the grader writes")
    return raw


def read_document(raw: bytes, kind: str, name: str = "the file") -> SignedDocument:
    """The document in `raw`, after checking that it is a `kind` document in the exact form it was
    written in and that its signature matches the key it names.

    Raises:
        DocumentRefused: with a sentence naming the problem.
    """
    changed = f"{name} was changed after it was signed (or damaged): do not use it"
    try:
        envelope = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DocumentRefused(f"{name} is not a signed grader document (not JSON), or it was "
                              "damaged") from None
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise DocumentRefused(f"{name} is not a signed grader document ({FORMAT})")
    if envelope.get("kind") != kind:
        raise DocumentRefused(f"{name} is a {envelope.get('kind')!r} document, not a {kind}")
    payload, signer = envelope.get("payload"), envelope.get("signer")
    if not isinstance(payload, dict) or not isinstance(signer, dict):
        raise DocumentRefused(changed)
    try:
        if _file_bytes(envelope) not in (raw, raw + b"\n"):
            raise DocumentRefused(changed)
        signature = _exact_base64(envelope.get("signature"))
        public = Ed25519PublicKey.from_public_bytes(_exact_base64(signer.get("public_key")))
        public.verify(signature, signed_bytes(kind, payload))
    except (binascii.Error, ValueError, InvalidSignature):
        raise DocumentRefused(changed) from None
    if signer.get("fingerprint") != fingerprint(public):
        raise DocumentRefused(changed)
    return SignedDocument(kind, payload, public, signature)


def trusted_signer(document: SignedDocument, keys: Iterable[Ed25519PublicKey]) -> Ed25519PublicKey | None:
    """The key among `keys` that signed `document`, or None."""
    for key in keys:
        try:
            key.verify(document.signature, signed_bytes(document.kind, document.payload))
        except InvalidSignature:
            continue
        return key
    return None
