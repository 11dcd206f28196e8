"""`grader tls`: a certificate authority of the site's own and a server certificate it signs, so that
passwords and session cookies never cross the classroom LAN in clear, with no outside authority.

    <instance>/tls/ca.pem        the authority's certificate: install it on every classroom computer
                                 (every file here is 0600, like the rest of the instance folder)
    <instance>/tls/ca.key        its private key (0600): whoever holds it can impersonate the site
    <instance>/tls/server.pem    the site's certificate, for its names and addresses (preview.<name> too)
    <instance>/tls/server.key    its private key (0600)

The authority is made once and kept, so that a new server certificate (a new address, a renewal)
needs nothing new on the classroom computers.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ops.errors import OpsError
from ops.permissions import PRIVATE_FILE, make_private_folder

CA_DAYS = 10 * 365
SERVER_DAYS = 825  # the longest lifetime browsers accept for a server certificate
PREVIEW_PREFIX = "preview."
SITE_NAME = "Code Workshop grader"


@dataclass(frozen=True)
class TlsFiles:
    folder: Path

    @property
    def ca_cert(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.folder / "ca.key"

    @property
    def cert(self) -> Path:
        return self.folder / "server.pem"

    @property
    def key(self) -> Path:
        return self.folder / "server.key"


@dataclass(frozen=True)
class MadeCertificates:
    files: TlsFiles
    names: tuple[str, ...]
    ca_made: bool
    ca_fingerprint: str


def site_names(names: list[str]) -> tuple[list[str], list[ipaddress.IPv4Address | ipaddress.IPv6Address]]:
    """The DNS names (each with its preview.<name>) and IP addresses a server certificate covers.

    Raises:
        OpsError: a name is neither a host name nor an IP address.
    """
    dns: list[str] = []
    ips: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    for raw in names:
        name = raw.strip().lower().rstrip(".")
        try:
            ips.append(ipaddress.ip_address(name))
            continue
        except ValueError:
            pass
        labels = name.split(".")
        if not name or not all(label and len(label) <= 63 and label.replace("-", "").isalnum()
                                and not label.startswith("-") for label in labels):
            raise OpsError(f"{raw!r} is neither a host name (like grader.school.lan) nor an IP address")
        for found in (name, PREVIEW_PREFIX + name):
            if found not in dns:
                dns.append(found)
    if not dns and not ips:
        raise OpsError("give at least one host name or address the classroom computers use for the site")
    return dns, ips


def make_certificates(folder: Path, names: list[str], *, site_name: str = SITE_NAME) -> MadeCertificates:
    """Make (or keep) the authority in `folder` and a new server certificate for `names`.

    Raises:
        OpsError: a name is not valid, or the authority's files are damaged.
    """
    dns, ips = site_names(names)
    files = TlsFiles(make_private_folder(folder))
    ca_made = not (files.ca_cert.exists() and files.ca_key.exists())
    if ca_made:
        ca_key, ca_cert = _new_authority(site_name)
        _write(files.ca_key, _private_pem(ca_key))
        _write(files.ca_cert, ca_cert.public_bytes(serialization.Encoding.PEM))
    else:
        ca_key, ca_cert = _read_authority(files)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    alternatives: list[x509.GeneralName] = [x509.DNSName(name) for name in dns]
    alternatives += [x509.IPAddress(ip) for ip in ips]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, (dns or [str(ips[0])])[0])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=SERVER_DAYS))
        .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=False, content_commitment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write(files.key, _private_pem(key))
    _write(files.cert, certificate.public_bytes(serialization.Encoding.PEM))
    fingerprint = ca_cert.fingerprint(hashes.SHA256()).hex(":").upper()
    return MadeCertificates(files, (*dns, *(str(ip) for ip in ips)), ca_made, fingerprint)


def _new_authority(site_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{site_name} local authority")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, key_encipherment=False,
                                     content_commitment=False, data_encipherment=False, key_agreement=False,
                                     key_cert_sign=True, crl_sign=True, encipher_only=False,
                                     decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def _read_authority(files: TlsFiles) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    try:
        key = serialization.load_pem_private_key(files.ca_key.read_bytes(), None)
        certificate = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    except (ValueError, TypeError) as error:
        raise OpsError(f"{files.folder}: the authority's files are damaged ({error}); move ca.pem and "
                       "ca.key away to make a new authority (then install the new ca.pem on every "
                       "computer)") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise OpsError(f"{files.ca_key} is not the kind of key `grader tls` makes")
    return key, certificate


def _private_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _write(path: Path, data: bytes) -> None:
    """Write `path` atomically, private like the rest of the instance folder (the certificates too: the
    administrator copies ca.pem out as root)."""
    draft = path.with_name(f".{path.name}.new")
    draft.unlink(missing_ok=True)
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(draft, path)
