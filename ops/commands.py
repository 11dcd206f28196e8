"""The command line of site operations: `grader bundle ...`, `grader backup` and `grader restore`."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import click

from config import Settings
from config.settings import ROOT
from grader import __version__
from grader.runner_image import SandboxError
from ops.backup import SiteData, create_backup, prune_backups
from ops.bundle import BundleOptions, create_bundle
from ops.errors import OpsError
from ops.install import InstallOptions, install_bundle
from ops.layout import Site
from ops.restore import restore_backup
from ops.rollback import rollback
from ops.signing import (
    generate_key_pair,
    load_private_key,
    load_public_key,
    private_key_is_encrypted,
    trust_key,
    trusted_keys,
)
from ops.tls import make_certificates
from ops.verify import verify_bundle
from ops.wheels import DEBIAN_12_PYTHON, TargetPython

FilePath = click.Path(path_type=Path)
prefix_option = click.option(
    "--prefix", type=FilePath, default=None,
    help="The folder the site is installed in [default: GRADER_HOME, else /opt/grader].")



def _fail(error: Exception) -> click.ClickException:
    if isinstance(error, PermissionError):
        return click.ClickException(f"{error.strerror}: {error.filename} (run it as root)")
    if isinstance(error, OSError):
        return click.ClickException(f"{error.strerror or error}: {error.filename or ''}")
    return click.ClickException(str(error))


def _say(message: str) -> None:
    click.echo(message)
    sys.stdout.flush()


def _passphrase(settings: Settings, confirm: bool) -> bytes | None:
    """GRADER_SIGNING_PASSPHRASE when set (empty: none), else asked for."""
    if settings.signing_passphrase is not None:
        return settings.signing_passphrase.encode() or None
    typed = click.prompt("Passphrase of the signing key (empty: none)", default="", hide_input=True,
                         confirmation_prompt=confirm, show_default=False)
    return str(typed).encode() or None


@click.group("bundle")
def bundle_group() -> None:
    """Install and upgrade a site that has no internet, from one file."""


@bundle_group.command("create")
@click.argument("out", type=FilePath)
@click.option("--exercises", type=FilePath, default=None,
              help="The curriculum to ship [default: GRADER_EXERCISES].")
@click.option("--app-image", is_flag=True,
              help="Also ship grader-app:<version> (made by scripts/build-app-image.sh).")
@click.option("--sign-key", type=FilePath, default=None,
              help="Sign with this private key (from `grader bundle keygen`).")
@click.option("--python-version", default=DEBIAN_12_PYTHON, show_default=True,
              help="The site's Python (CPython on x86_64 Linux); Debian 12 has 3.11.2.")
@click.option("--source", type=FilePath, default=ROOT, show_default=True, help="The grader's source folder.")
@click.pass_obj
def bundle_create(settings: Settings, out: Path, exercises: Path | None, app_image: bool,
                  sign_key: Path | None,
                  python_version: str, source: Path) -> None:
    """Make the bundle OUT (a file, or a folder to put it in): images, wheels, curriculum, manifest."""
    try:
        key = None
        if sign_key:
            passphrase = _passphrase(settings, False) if private_key_is_encrypted(sign_key) else None
            key = load_private_key(sign_key, passphrase)
        if out.is_dir():
            out = out / f"grader-bundle-{__version__}.tar"
        curriculum = exercises or settings.exercises
        options = BundleOptions(out.resolve(), source.resolve(), curriculum.resolve(),
                                app_image, key, TargetPython(version=python_version))
        made = create_bundle(options, lambda message: click.echo(f"  {message}", err=True))
    except (OpsError, SandboxError, OSError) as error:
        raise _fail(error) from None
    signed = "signed" if key else "not signed"
    tried = f"tried with {made.tried_with}" if made.tried_with else "not tried (no such Python here)"
    click.echo(f"{made.path}: grader {made.manifest.grader_version}, {len(made.manifest.files)} files, "
               f"{made.size / 1e6:.0f} MB, {signed}, runner image {made.manifest.runner_tag}, {tried}; "
               f"made in {made.seconds:.0f} s")


@bundle_group.command("verify")
@click.argument("bundle", type=FilePath)
@click.option("--key", type=FilePath, default=None, help="Check the signature with this public key.")
@prefix_option
@click.pass_obj
def bundle_verify(settings: Settings, bundle: Path, key: Path | None, prefix: Path | None) -> None:
    """Check BUNDLE: every file's SHA-256, and its signature by a trusted key. Exit 1 if refused."""
    try:
        keys = [load_public_key(key)] if key else trusted_keys(Site(prefix or settings.home).trusted_keys)
        verified = verify_bundle(bundle, keys)
    except (OpsError, OSError) as error:
        raise _fail(error) from None
    click.echo(f"{bundle}: {verified.summary()}")


@bundle_group.command("install")
@click.argument("bundle", type=FilePath)
@prefix_option
@click.option("--python", default="python3", show_default=True,
              help="The Python to make the environment with.")
@click.option("--trust", type=FilePath, default=None,
              help="Trust this public key from now on (and check the bundle with it).")
@click.option("--skip-doctor", is_flag=True, help="Do not run `grader doctor` at the end.")
@click.option("--allow-unsigned", is_flag=True,
              help="Install a bundle no trusted key signed (its programs run as root: only one you made "
                   "yourself and that never left your hands).")
@click.pass_obj
def bundle_install(settings: Settings, bundle: Path, prefix: Path | None, python: str, trust: Path | None,
                   skip_doctor: bool, allow_unsigned: bool) -> None:
    """Install or upgrade the site from BUNDLE, with no network (back-up and migrations included). The
    bundle must be signed by a key the site trusts (or given with --trust), unless --allow-unsigned."""
    home = (prefix or settings.home).resolve()
    options = InstallOptions(bundle.resolve(), home, python, trust, not skip_doctor, allow_unsigned)
    try:
        result = install_bundle(options, _say)
    except (OpsError, SandboxError, OSError) as error:
        raise _fail(error) from None
    click.echo(f"Installed {result.release} in {options.prefix}. The site's command is "
               f"{Site(options.prefix).command} (log: {result.log}).")
    if result.doctor_ok is False:
        sys.exit(1)


@bundle_group.command("rollback")
@prefix_option
@click.option("--force", is_flag=True, help="Do it (without it, only say what it would do).")
@click.option("--skip-doctor", is_flag=True, help="Do not run `grader doctor` at the end.")
@click.pass_obj
def bundle_rollback(settings: Settings, prefix: Path | None, force: bool, skip_doctor: bool) -> None:
    """Go back to the release before the last upgrade, with the database as it was before it."""
    try:
        result = rollback((prefix or settings.home).resolve(), force=force, doctor=not skip_doctor, say=_say)
    except (OpsError, SandboxError, OSError) as error:
        raise _fail(error) from None
    click.echo(f"Back to {result.back_to} (from {result.left}); the data of {result.left} is saved in "
               f"{result.saved_first}.")
    if result.doctor_ok is False:
        sys.exit(1)


@bundle_group.command("keygen")
@click.argument("folder", type=FilePath)
@click.option("--name", default="grader-signing", show_default=True)
@click.pass_obj
def bundle_keygen(settings: Settings, folder: Path, name: str) -> None:
    """Make a signing key pair in FOLDER: NAME.key (keep it secret) and NAME.pub (give it to sites)."""
    try:
        private, public, fingerprint = generate_key_pair(folder, name, _passphrase(settings, True))
    except (OpsError, OSError) as error:
        raise _fail(error) from None
    click.echo(f"private key: {private} (keep it secret, off the sites)\npublic key:  {public}\n"
               f"fingerprint: {fingerprint} (print it: a site's IT compares it when they trust the key)")


@bundle_group.command("trust")
@click.argument("public_key", type=FilePath)
@prefix_option
@click.pass_obj
def bundle_trust(settings: Settings, public_key: Path, prefix: Path | None) -> None:
    """Install only bundles signed with PUBLIC_KEY from now on (compare its fingerprint first)."""
    try:
        key = trust_key(Site((prefix or settings.home).resolve()).trusted_keys, public_key)
    except (OpsError, OSError) as error:
        raise _fail(error) from None
    click.echo(f"This site now trusts {key.fingerprint} ({key.path}).")


@click.command("backup")
@click.argument("out", type=FilePath, required=False)
@click.option("--keep", type=click.IntRange(min=1), metavar="N",
              help="Then delete all but the newest N dated back-ups in that folder (those taken before "
                   "an upgrade or a restore stay).")
@click.pass_obj
def backup_command(settings: Settings, out: Path | None, keep: int | None) -> None:
    """Back up the database and the instance folder into OUT [default: the back-ups folder]."""
    site = SiteData.from_settings(settings)
    try:
        path, info = create_backup(site, out)
        deleted = prune_backups(path.parent, keep) if keep else []
    except (OpsError, OSError) as error:
        raise _fail(error) from None
    click.echo(f"{path}: {info.people()}, database revision {info.revision or '(none)'}, "
               f"{len(info.files)} files. The copy opened and was checked.")
    for old in deleted:
        click.echo(f"Deleted the older back-up {old.name}.")


@click.command("restore")
@click.argument("backup", type=FilePath)
@click.option("--force", is_flag=True, help="Replace a database that holds accounts or attempts.")
@click.option("--trust", is_flag=True,
              help="Restore a back-up this site did not seal: another site's, or this site's from before it "
                   "lost its instance folder. Its files then decide every account, password and the secret "
                   "key of this site, so use it only for a file you know the origin of.")
@click.pass_obj
def restore_command(settings: Settings, backup: Path, force: bool, trust: bool) -> None:
    """Put back the database and instance files of BACKUP (says what it replaces; stop the site first).
    Only back-ups sealed by this site are restored without --trust."""
    site = SiteData.from_settings(settings)
    try:
        report = restore_backup(site, backup, force=force, trust=trust, say=_say)
    except (OpsError, OSError) as error:
        raise _fail(error) from None
    click.echo(f"Restored {backup}: {', '.join(f'{n} {t}' for t, n in sorted(report.counts.items()))}.")


@click.command("tls")
@click.option("--host", "hosts", multiple=True, metavar="NAME",
              help="A host name or address the classroom computers use for the site (repeat it for "
                   "several) [default: this machine's name and its LAN address].")
@click.option("--folder", type=FilePath, default=None, help="Where to keep them [default: <instance>/tls].")
@click.pass_obj
def tls_command(settings: Settings, hosts: tuple[str, ...], folder: Path | None) -> None:
    """Make a local certificate authority (once) and a certificate for the site and its preview origin,
    so that `grader serve` serves HTTPS. Install the authority's ca.pem on every classroom computer."""
    from web.serve import lan_address

    names = list(hosts) or [socket.gethostname(), lan_address()]
    try:
        made = make_certificates(folder or settings.instance / "tls", names)
    except (OpsError, OSError) as error:
        raise _fail(error) from None
    files = made.files
    kept = "made" if made.ca_made else "kept (already trusted by the classroom computers that have it)"
    click.echo(f"Authority {kept}: {files.ca_cert}\n  fingerprint SHA-256 {made.ca_fingerprint}\n"
               f"Certificate for {', '.join(made.names)}: {files.cert} (key {files.key})\n\n"
               "Serve HTTPS: put these lines in the site's settings (grader.env), then restart it:\n"
               f"  GRADER_TLS_CERT={files.cert}\n  GRADER_TLS_KEY={files.key}\n"
               "Every name above must lead to this machine (the school's DNS, or /etc/hosts on each "
               "computer); learners' pages are shown from preview.<name>.\n"
               f"Then install {files.ca_cert.name} on every classroom computer (docs/operations.md, "
               "\"HTTPS on the classroom network\") and compare the fingerprint.")
