"""The command line of what leaves a site with proof: `grader verify`, `grader site-key`,
`grader transfer export|import|trust` and `grader portfolio list|export`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from ops.errors import OpsError
from ops.layout import Site
from ops.signing import load_public_key, trust_key, trusted_keys
from ops.transfer import TransferRefused, export_learner
from ops.transfer_import import ImportOptions, import_transfer
from store.db import make_engine, session_factory, upgrade_database
from store.models import PortfolioExport
from store.signed import KINDS, DocumentRefused, read_document, trusted_signer
from store.site_key import PUBLIC_FILE, SiteKeyError, site_key
from web.portfolio_exports import ExportError, final_zip, folder_name

FilePath = click.Path(path_type=Path)
prefix_option = click.option(
    "--prefix", type=FilePath, default=None,
    help="The folder the site is installed in [default: GRADER_HOME, else /opt/grader].")


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    """A session on the newest schema of the configured database, its engine closed afterwards."""
    upgrade_database(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise click.ClickException(f"{path}: {error.strerror or error}") from None


def _site(settings: Settings, prefix: Path | None) -> Site:
    return Site((prefix or settings.home).resolve())


def _known_keys(settings: Settings, site: Site) -> list[tuple[str, Ed25519PublicKey]]:
    """This site's own key (when it has made one), then the keys of the sites and the bundle makers it
    trusts, each with where it comes from."""
    found = []
    own = settings.instance / PUBLIC_FILE
    if own.is_file():
        found.append(("this site's key", load_public_key(own).key))
    for folder in (site.trusted_sites, site.trusted_keys):
        found += [(f"the trusted key {key.path}", key.key) for key in trusted_keys(folder)]
    return found


def _describe(kind: str, payload: dict[str, object]) -> str:
    site = payload.get("site") if isinstance(payload.get("site"), dict) else {}
    site_name = str(site.get("name", "?")) if isinstance(site, dict) else "?"
    if kind == "record":
        learner = payload.get("learner") if isinstance(payload.get("learner"), dict) else {}
        summary = payload.get("summary") if isinstance(payload.get("summary"), dict) else {}
        name = learner.get("name", "?") if isinstance(learner, dict) else "?"
        done = summary.get("completed", "?") if isinstance(summary, dict) else "?"
        made = str(payload.get("made_at"))[:10]
        return f"a record of completion of {name} from {site_name}, made {made}: {done} exercises completed"
    account = payload.get("account") if isinstance(payload.get("account"), dict) else {}
    username = account.get("username", "?") if isinstance(account, dict) else "?"
    attempts = payload.get("attempts")
    count = len(attempts) if isinstance(attempts, list) else "?"
    made = str(payload.get("made_at"))[:10]
    return f"the transfer file of {username} from {site_name}, made {made}: {count} attempts"


@click.command("verify")
@click.argument("file", type=FilePath)
@click.option("--key", "keys", type=FilePath, multiple=True,
              help="Check with this public key (the site-key.pub beside a record); may be repeated. "
                   "Without it: this site's own key and the keys it trusts.")
@prefix_option
@click.pass_obj
def verify_command(settings: Settings, file: Path, keys: tuple[Path, ...], prefix: Path | None) -> None:
    """Check a signed record of completion (record.json) or transfer file, offline. Exit 1 when it was
    changed, damaged, or not signed by a key given or trusted."""
    raw = _read(file)
    try:
        kind = json.loads(raw).get("kind")
    except (ValueError, AttributeError):
        kind = None
    try:
        document = read_document(raw, kind if kind in KINDS else "record", str(file))
        known = ([(f"the key in {path}", load_public_key(path).key) for path in keys] if keys
                 else _known_keys(settings, _site(settings, prefix)))
    except (DocumentRefused, OpsError) as error:
        raise click.ClickException(str(error)) from None
    signer = trusted_signer(document, [key for _, key in known])
    if signer is None:
        raise click.ClickException(
            f"{file} is intact, but it is signed by {document.fingerprint}, which is not "
            f"{'the key given' if keys else 'a key this site knows'}: it may not come from where it says. "
            "Check it with the public key of the site it names: grader verify FILE --key SITE-KEY.pub")
    where = next(name for name, key in known if key is signer)
    click.echo(f"{file}: {_describe(document.kind, document.payload)}.")
    click.echo(f"Signed by {document.fingerprint} ({where}); not a byte changed since.")
    click.echo(f"Check code: {document.check_code}")


@click.command("site-key")
@click.option("--export", "export_to", type=FilePath, default=None,
              help="Also write the public key to this file, to give to the hub or another site.")
@click.pass_obj
def site_key_command(settings: Settings, export_to: Path | None) -> None:
    """Show this site's signing key (made on first use): its fingerprint and public key."""
    try:
        key = site_key(settings.instance)
    except SiteKeyError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Site: {settings.site_name}\nFingerprint: {key.fingerprint}\n"
               f"Private key: {settings.instance / 'site-signing.key'} (never copy it off this machine "
               f"except in a back-up)\n\n{key.public_pem.decode()}", nl=False)
    if export_to is not None:
        named = f"{key.fingerprint.removeprefix('SHA256:')}.pub"
        target = export_to / named if export_to.is_dir() else export_to
        target.write_bytes(key.public_pem)
        click.echo(f"Public key written to {target}.")


@click.group("transfer")
def transfer_group() -> None:
    """Move a learner's account and work to another site that runs the grader."""


@transfer_group.command("export")
@click.argument("learner")
@click.argument("out", type=FilePath, required=False)
@click.pass_obj
def transfer_export(settings: Settings, learner: str, out: Path | None) -> None:
    """Write the signed transfer file of LEARNER (a username) to OUT [default: this folder]."""
    try:
        key = site_key(settings.instance)
        with _session(settings) as session:
            path, counts = export_learner(session, learner, key, settings.site_name, out or Path.cwd())
    except (TransferRefused, SiteKeyError, OSError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{path}: {learner}'s account (no password), {counts.attempts} attempts with their results, "
               f"{counts.overrides} score changes, {counts.drafts} drafts; signed by {key.fingerprint}.")
    if counts.unfinished:
        click.echo(f"{counts.unfinished} attempts still waiting to be graded were left out: export again "
                   "once they are graded.")


@transfer_group.command("import")
@click.argument("file", type=FilePath)
@click.option("--into", default=None, metavar="USERNAME",
              help="Merge into this existing account (the same person already has one here).")
@click.option("--username", default=None, metavar="NEWNAME",
              help="Make the account under this name (the file's username is taken here by someone else).")
@prefix_option
@click.pass_obj
def transfer_import(settings: Settings, file: Path, into: str | None, username: str | None,
                    prefix: Path | None) -> None:
    """Read a transfer file from a trusted site: the learner's account, attempts, drafts and score changes.
    Safe to repeat: what is here already is never added twice."""
    raw = _read(file)
    site = _site(settings, prefix)
    try:
        folders = (site.trusted_sites, site.trusted_keys)
        trusted = [key.key for folder in folders for key in trusted_keys(folder)]
        own = site_key(settings.instance)
        with _session(settings) as session:
            report = import_transfer(session, raw, str(file), trusted, own.public, own.fingerprint,
                                     ImportOptions(into=into, username=username))
            session.commit()
    except (OpsError, SiteKeyError) as error:
        raise click.ClickException(str(error)) from None
    if report.already:
        click.echo(f"{file} was imported before (as {report.username}): nothing changed.")
        return
    added, kept = report.added, report.kept
    made = "made" if report.created else "merged into"
    click.echo(f"{report.username}: account {made}; added {added['attempts']} attempts, {added['overrides']} "
               f"score changes, {added['drafts']} drafts from {report.source_site} (already here: "
               f"{kept['attempts']} attempts, {kept['drafts']} drafts). Results stay as that site graded "
               "them.")
    if report.password:
        click.echo(f"One-time password for {report.username}: {report.password} (shown only now; they choose "
                   "their own at their first login)")
    if report.other_versions:
        click.echo(f"Graded there on another version of: {', '.join(report.other_versions)}.")
    if report.unknown_exercises:
        click.echo(f"Not in this site's curriculum (attempts kept, shown in their history): "
                   f"{', '.join(report.unknown_exercises)}.")


@transfer_group.command("trust")
@click.argument("public_key", type=FilePath)
@prefix_option
@click.pass_obj
def transfer_trust(settings: Settings, public_key: Path, prefix: Path | None) -> None:
    """Read transfer files signed with PUBLIC_KEY (another site's, from `grader site-key --export`) from
    now on. Compare its fingerprint with that site's staff first."""
    try:
        key = trust_key(_site(settings, prefix).trusted_sites, public_key)
    except (OpsError, OSError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"This site now reads transfer files signed by {key.fingerprint} ({key.path}).")


@click.group("portfolio")
def portfolio_group() -> None:
    """Learners' portfolio exports, reviewed on the site."""


@portfolio_group.command("list")
@click.pass_obj
def portfolio_list(settings: Settings) -> None:
    """Every export request and its state."""
    with _session(settings) as session:
        for export in session.scalars(select(PortfolioExport).order_by(PortfolioExport.id)):
            click.echo(f"#{export.id:<5} {export.state:<10} {export.user.username:<20} "
                       f"asked {export.requested_at:%Y-%m-%d %H:%M}")


@portfolio_group.command("export")
@click.argument("export_id", type=int)
@click.argument("out", type=FilePath)
@click.pass_obj
def portfolio_export(settings: Settings, export_id: int, out: Path) -> None:
    """Write the approved export EXPORT_ID as a zip to OUT (a file, or a folder such as a USB stick)."""
    with _session(settings) as session:
        export = session.get(PortfolioExport, export_id)
        if export is None:
            raise click.ClickException(f"there is no export #{export_id}")
        try:
            data = final_zip(export)
        except ExportError as error:
            raise click.ClickException(f"export #{export_id} is {export.state}: {error}") from None
        target = out / f"{folder_name(export)}.zip" if out.is_dir() else out
    try:
        target.write_bytes(data)
    except OSError as error:
        raise click.ClickException(f"{target}: {error.strerror or error}") from None
    click.echo(f"{target}: the approved portfolio of export #{export_id} ({len(data) / 1e6:.1f} MB).")
