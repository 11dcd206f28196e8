"""The site's signing key (store/site_key.py): made once, private, the same for every process."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from store.site_key import PRIVATE_FILE, PUBLIC_FILE, SiteKeyError, site_key


def test_the_key_is_made_once_with_mode_0600_and_its_public_half_beside_it(tmp_path: Path) -> None:
    first = site_key(tmp_path / "instance")
    private = tmp_path / "instance" / PRIVATE_FILE
    assert private.stat().st_mode & 0o777 == 0o600
    assert b"ENCRYPTED" not in private.read_bytes()
    assert (tmp_path / "instance" / PUBLIC_FILE).read_bytes() == first.public_pem
    assert site_key(tmp_path / "instance").fingerprint == first.fingerprint


def test_processes_racing_to_make_it_get_the_same_key(tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:
        fingerprints = set(pool.map(lambda _: site_key(tmp_path).fingerprint, range(16)))
    assert len(fingerprints) == 1
    assert sorted(os.listdir(tmp_path)) == [PRIVATE_FILE, PUBLIC_FILE]


def test_a_damaged_key_is_an_error_that_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / PRIVATE_FILE).write_text("not a key")
    with pytest.raises(SiteKeyError, match="restore it from a back-up"):
        site_key(tmp_path)
