"""Signing keys: made once, encrypted when asked, trusted by fingerprint, and read by openssl too."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from ops.errors import OpsError
from ops.signing import (
    generate_key_pair,
    load_private_key,
    private_key_is_encrypted,
    sign,
    trust_key,
    trusted_keys,
)


def test_a_key_with_a_passphrase_opens_only_with_it(tmp_path: Path) -> None:
    private, public, fingerprint = generate_key_pair(tmp_path, "k", b"correct horse")
    assert private.stat().st_mode & 0o777 == 0o600 and private_key_is_encrypted(private)
    assert re.fullmatch(r"SHA256:([0-9a-f]{4}-){5}[0-9a-f]{4}", fingerprint)
    with pytest.raises(OpsError, match="cannot read this signing key"):
        load_private_key(private, b"wrong")
    assert load_private_key(private, b"correct horse") is not None
    with pytest.raises(OpsError, match="never overwritten"):
        generate_key_pair(tmp_path, "k", None)


def test_a_trusted_key_is_kept_by_its_fingerprint(tmp_path: Path) -> None:
    _, public, fingerprint = generate_key_pair(tmp_path / "maker", "k", None)
    kept = trust_key(tmp_path / "trusted", public)
    assert kept.fingerprint == fingerprint and kept.path.name == fingerprint.removeprefix("SHA256:") + ".pub"
    assert [key.fingerprint for key in trusted_keys(tmp_path / "trusted")] == [fingerprint]
    with pytest.raises(OpsError, match="not a public key"):
        trust_key(tmp_path / "trusted", tmp_path / "maker" / "k.key")


def test_openssl_checks_a_signature_the_grader_made(tmp_path: Path) -> None:
    private, public, _ = generate_key_pair(tmp_path, "k", None)
    (tmp_path / "data").write_bytes(b"manifest")
    (tmp_path / "sig").write_bytes(sign(load_private_key(private, None), b"manifest"))
    command = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(public), "-rawin", "-in",
               str(tmp_path / "data"), "-sigfile", str(tmp_path / "sig")]
    assert subprocess.run(command, capture_output=True).returncode == 0
    (tmp_path / "data").write_bytes(b"manifest!")
    assert subprocess.run(command, capture_output=True).returncode != 0
