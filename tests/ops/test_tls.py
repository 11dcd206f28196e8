"""HTTPS on the classroom LAN: `grader tls` makes a local authority (kept) and a server certificate
for the site and preview.<name>; `grader serve` serves HTTPS with them, cookies are Secure, and a
client that trusts the authority, and only such a client, gets through."""

from __future__ import annotations

import os
import signal
import ssl
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509

from ops.errors import OpsError
from ops.tls import make_certificates
from tests.helpers.data import CATALOGS
from tests.helpers.ops import ROOT, clean_env, grader
from tests.helpers.service import free_port

pytestmark = [pytest.mark.slow]


def names_of(path: Path) -> list[str]:
    certificate = x509.load_pem_x509_certificate(path.read_bytes())
    alternatives = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return [str(name.value) for name in alternatives]


def test_the_authority_is_made_once_and_the_certificate_covers_the_preview_name(tmp_path: Path) -> None:
    first = make_certificates(tmp_path / "tls", ["grader.school.lan", "10.0.0.5"])
    assert first.ca_made
    assert names_of(first.files.cert) == ["grader.school.lan", "preview.grader.school.lan", "10.0.0.5"]
    ca = first.files.ca_cert.read_bytes()
    again = make_certificates(tmp_path / "tls", ["grader2.school.lan"])
    assert not again.ca_made and again.ca_fingerprint == first.ca_fingerprint
    assert first.files.ca_cert.read_bytes() == ca  # the classroom computers need nothing new
    assert names_of(again.files.cert) == ["grader2.school.lan", "preview.grader2.school.lan"]
    for path in (tmp_path / "tls").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((tmp_path / "tls").stat().st_mode) == 0o700


@pytest.mark.parametrize("name", ["", "bad name", "-x.lan", "a..b", "x" * 64 + ".lan", "http://x"])
def test_a_name_that_is_not_a_host_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(OpsError):
        make_certificates(tmp_path / "tls", [name])


def test_the_two_tls_settings_go_together() -> None:
    done = grader("doctor", env=clean_env(GRADER_TLS_CERT="/x/server.pem"))
    assert done.returncode == 2 and "GRADER_TLS_CERT and GRADER_TLS_KEY go together" in done.stderr


@pytest.fixture
def https_site(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """`grader tls` then `grader serve --no-worker` with its certificate, on free loopback ports."""
    instance = tmp_path / "instance"
    env = clean_env(GRADER_INSTANCE=str(instance), GRADER_EXERCISES=str(CATALOGS / "site"))
    made = grader("tls", "--host", "localhost", "--host", "127.0.0.1", env=env)
    assert made.returncode == 0, made.stderr
    assert "GRADER_TLS_CERT=" in made.stdout and "install ca.pem on every classroom computer" in made.stdout
    tls = instance / "tls"
    env.update(GRADER_TLS_CERT=str(tls / "server.pem"), GRADER_TLS_KEY=str(tls / "server.key"))
    port, preview_port = free_port(), free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--no-worker", "--host", "127.0.0.1",
                                   "--port", str(port), "--preview-port", str(preview_port),
                                   "--web-workers", "1"], cwd=ROOT, env=env, stdout=output,
                                  stderr=subprocess.STDOUT)
    trusted = ssl.create_default_context(cafile=str(tls / "ca.pem"))
    site, preview = f"https://127.0.0.1:{port}", f"https://127.0.0.1:{preview_port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, log.read_text()
            try:
                for url in (f"{site}/login", f"{preview}/"):
                    urllib.request.urlopen(url, timeout=5, context=trusted).close()
                break
            except (OSError, urllib.error.URLError):
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        yield site, preview, tls / "ca.pem"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_grader_serve_serves_https_with_secure_cookies(https_site: tuple[str, str, Path]) -> None:
    site, preview, ca = https_site
    trusted = ssl.create_default_context(cafile=str(ca))
    with urllib.request.urlopen(f"{site}/login", timeout=10, context=trusted) as response:
        assert response.status == 200 and b"<h1>Log in</h1>" in response.read()
        cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    with urllib.request.urlopen(f"{preview}/", timeout=10, context=trusted) as response:
        assert b"Learners' pages are shown here." in response.read()
    with pytest.raises(urllib.error.URLError) as refused:  # a computer without the authority is warned
        urllib.request.urlopen(f"{site}/login", timeout=10, context=ssl.create_default_context())
    assert isinstance(refused.value.reason, ssl.SSLCertVerificationError)
    with pytest.raises((OSError, urllib.error.URLError)):  # and nothing is served in clear
        urllib.request.urlopen(f"{site.replace('https', 'http')}/login", timeout=10).read()
    assert os.path.exists(ca)
