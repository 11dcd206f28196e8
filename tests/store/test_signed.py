"""Signed documents (store/signed.py): any changed byte is refused, a record cannot pass for a
transfer file, and only a trusted key says who signed."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.signed import DocumentRefused, check_code, read_document, sign_document, trusted_signer
from store.site_key import site_key

PAYLOAD = {"learner": {"name": "Zoë"}, "score": 7.5, "exercises": [{"exercise": "python/greet"}]}


def test_a_signed_document_reads_back_with_its_check_code(tmp_path: Path) -> None:
    key = site_key(tmp_path)
    raw = sign_document(key, "record", PAYLOAD)
    document = read_document(raw, "record")
    assert document.payload == PAYLOAD and document.fingerprint == key.fingerprint
    assert document.check_code == check_code(key.fingerprint, "record", PAYLOAD)
    assert document.check_code.startswith(key.fingerprint + " / ")
    assert len(document.check_code.split(" / ")[1]) == 19
    assert read_document(raw.rstrip(b"\n"), "record").payload == PAYLOAD  # an editor's lost newline
    assert trusted_signer(document, [key.public]) == key.public
    assert trusted_signer(document, [site_key(tmp_path / "other").public]) is None


def test_every_single_changed_byte_is_refused(tmp_path: Path) -> None:
    raw = sign_document(site_key(tmp_path), "record", PAYLOAD)
    for position in range(0, len(raw) - 1):  # every byte but the final newline
        changed = bytearray(raw)
        changed[position] = changed[position] ^ 0x01
        with pytest.raises(DocumentRefused):
            read_document(bytes(changed), "record")


def test_a_record_does_not_pass_for_a_transfer_file(tmp_path: Path) -> None:
    raw = sign_document(site_key(tmp_path), "record", PAYLOAD)
    with pytest.raises(DocumentRefused, match="not a transfer"):
        read_document(raw, "transfer")
    forged = raw.replace(b'"kind": "record"', b'"kind": "transfer"')
    with pytest.raises(DocumentRefused, match="changed after it was signed"):
        read_document(forged, "transfer")


def test_a_document_signed_again_by_someone_else_names_them(tmp_path: Path) -> None:
    mallory = site_key(tmp_path / "mallory")
    forged = sign_document(mallory, "record", {**PAYLOAD, "score": 10})
    document = read_document(forged, "record")  # intact: it is what mallory signed
    assert trusted_signer(document, [site_key(tmp_path / "site").public]) is None
    assert document.fingerprint == mallory.fingerprint


@pytest.mark.parametrize("raw", [b"", b"not json", b"[]", b'{"format": "grader-signed/2"}'])
def test_something_else_is_refused_in_words(raw: bytes) -> None:
    with pytest.raises(DocumentRefused, match="not a signed grader document"):
        read_document(raw, "record")


def test_another_spelling_of_the_same_signature_is_refused(tmp_path: Path) -> None:
    """The last character of base64 carries bits nobody reads: changing them keeps the bytes."""
    import base64
    import json

    raw = sign_document(site_key(tmp_path), "record", PAYLOAD)
    signature = json.loads(raw)["signature"]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = signature.rstrip("=")[-1]
    twin = alphabet[alphabet.index(last) ^ 0x01]  # differs only in a bit the decoder drops
    respelled = signature.rstrip("=")[:-1] + twin + "=="
    assert base64.b64decode(respelled) == base64.b64decode(signature) and respelled != signature
    with pytest.raises(DocumentRefused, match="changed after it was signed"):
        read_document(raw.replace(signature.encode(), respelled.encode()), "record")
