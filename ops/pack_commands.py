"""`grader pack export|import|trust`: tracks of exercises shared between sites as signed packs
(store.packs). An import checks the signature and every file, reads every exercise it brings in a copy
of the exercises folder, grades each new or changed one in the sandbox as `grader validate` does, and
only then writes them into the folder, as drafts that learners see once they are published."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from config import Settings
from grader import __version__
from grader.browser.references import ReferenceStore
from grader.content_history import ContentHistory, HistoryError
from grader.errors import ExerciseInvalid
from grader.exercise import load_exercise
from grader.runner import SandboxRunner
from grader.runner_image import SandboxError
from grader.validate import validate_exercise
from ops.errors import OpsError
from ops.signing import load_private_key, private_key_is_encrypted
from store.catalog_sync import sync_catalog
from store.db import make_engine, session_factory, upgrade_database
from store.packs import (
    ImportPlan,
    PackRefused,
    apply_import,
    describe,
    export_pack,
    plan_import,
    read_pack,
    trust_pack_key,
    trusted_pack_keys,
)
from store.publishing import version_store

FilePath = click.Path(path_type=Path)


@click.group("pack")
def pack_group() -> None:
    """Share tracks of exercises between sites, as signed packs imported as drafts."""


@pack_group.command("export")
@click.argument("tracks", nargs=-1, required=True)
@click.option("--sign-key", type=FilePath, required=True,
              help="Sign with this private key (`grader bundle keygen` makes one).")
@click.option("-o", "--out", type=FilePath, default=None, help="The pack to write [default: TRACK-....pack].")
@click.pass_obj
def pack_export(settings: Settings, tracks: tuple[str, ...], sign_key: Path, out: Path | None) -> None:
    """Write the tracks TRACKS of the exercises folder into a signed pack, for other sites to import."""
    try:
        passphrase = None
        if sign_key.is_file() and private_key_is_encrypted(sign_key):
            passphrase = (settings.signing_passphrase or click.prompt(
                "Passphrase of the signing key", hide_input=True, default="", show_default=False)).encode()
        key = load_private_key(sign_key, passphrase or None)
        out = out or Path(f"{'-'.join(tracks)}.pack")
        manifest = export_pack(settings.exercises, tracks, out, key, __version__)
    except (OpsError, PackRefused) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{out}: {len(manifest.exercises)} exercises of {', '.join(manifest.tracks)}, "
               f"signed by {manifest.signer}.")
    click.echo("The site that imports it must trust this key: give them the .pub file and its fingerprint.")


def _grade(plan: ImportPlan, settings: Settings) -> list[str]:
    """Each new or changed exercise of the plan graded as `grader validate` does: its problems."""
    problems: list[str] = []
    if not plan.to_write:
        return problems
    runner = SandboxRunner(settings.grading.sandbox, ReferenceStore(settings.grading.references))
    try:
        for key in plan.to_write:
            click.echo(f"grading   {key} ...")
            try:
                verdict = validate_exercise(load_exercise(plan.merged / key, plan.merged), runner)
            except ExerciseInvalid as error:
                problems += [str(mistake) for mistake in error.errors]
                continue
            except SandboxError as error:
                problems.append(f"{key}: could not be graded here: {error}")
                continue
            problems += [f"{key}: {problem}" for problem in verdict.problems]
    finally:
        runner.close()
    return problems


@pack_group.command("import")
@click.argument("file", type=FilePath)
@click.option("--dry-run", is_flag=True, help="Check the pack and say what it would change; write nothing.")
@click.option("--prefix", type=FilePath, default=None,
              help="The folder the site is installed in, whose trusted keys are read [default: GRADER_HOME].")
@click.pass_obj
def pack_import(settings: Settings, file: Path, dry_run: bool, prefix: Path | None) -> None:
    """Import a signed pack into the exercises folder, as drafts: every exercise is checked and graded
    first, and nothing is written when one of them has a problem."""
    home = (prefix or settings.home).resolve()
    with tempfile.TemporaryDirectory(prefix="grader-pack-") as work:
        try:
            pack = read_pack(file, trusted_pack_keys(home), Path(work) / "pack")
            plan = plan_import(pack, settings.exercises, Path(work))
        except PackRefused as error:
            raise click.ClickException(str(error)) from None
        made = f"made {pack.manifest.created} by grader {pack.manifest.grader_version}"
        click.echo(f"{file}: {made}, signed by {pack.manifest.signer} (trusted here); every file matches.")
        for line in describe(plan):
            click.echo(f"  {line}")
        problems = plan.problems or _grade(plan, settings)
        if problems:
            click.echo("Nothing was imported; the pack has problems:", err=True)
            click.echo("".join(f"  {problem}\n" for problem in problems), err=True, nl=False)
            sys.exit(1)
        if dry_run or not plan.to_write:
            click.echo("Nothing to import: every exercise is here as it is." if not plan.to_write
                       else "Every exercise is sound. Nothing was written (--dry-run).")
            return
        _import(settings, plan, file)


def _import(settings: Settings, plan: ImportPlan, file: Path) -> None:
    root = settings.exercises
    upgrade_database(settings.database_url)
    engine = make_engine(settings.database_url)
    store = version_store(settings.instance)
    history = ContentHistory(root)
    try:
        with session_factory(engine)() as session:
            sync_catalog(session, root, store)  # a new site publishes what it had; never the pack
            session.commit()
            try:
                history.commit("Changes made in the exercises folder outside the site, kept before an import")
            except HistoryError as error:
                click.echo(f"The history of the exercises folder could not be kept: {error}", err=True)
            apply_import(plan, root)
            try:
                history.commit(f"Imported the pack {file.name} ({', '.join(plan.pack.manifest.tracks)}), "
                               f"signed by {plan.pack.manifest.signer}")
            except HistoryError as error:
                click.echo(f"Imported, but its history could not be kept: {error}", err=True)
            report = sync_catalog(session, root, store, publish_all=False)
            session.commit()
    finally:
        engine.dispose()
    click.echo(f"Imported {len(plan.new)} new and {len(plan.changed)} changed exercises as drafts "
               f"({report.drafts} drafts in all): try each as a learner, then publish them "
               "(the site's catalogue, or `grader exercises publish`).")


@pack_group.command("trust")
@click.argument("public_key", type=FilePath)
@click.option("--prefix", type=FilePath, default=None,
              help="The folder the site is installed in [default: GRADER_HOME].")
@click.pass_obj
def pack_trust(settings: Settings, public_key: Path, prefix: Path | None) -> None:
    """Import packs signed with PUBLIC_KEY from now on. Compare its fingerprint with its maker first."""
    try:
        path, name = trust_pack_key((prefix or settings.home).resolve(), public_key.read_bytes())
    except OSError as error:
        raise click.ClickException(f"{public_key}: {error.strerror or error}") from None
    except PackRefused as error:
        raise click.ClickException(f"{public_key}: {error}") from None
    click.echo(f"This site now imports packs signed by {name} ({path}).")
