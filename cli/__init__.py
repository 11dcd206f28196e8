"""The `grader` command, assembled here and only here: the grading commands (run, validate, images,
doctor), the site's (serve, users, exercises, db), the grading service's (worker) and the offline
operations' (bundle, backup, restore; verify, site-key, transfer, portfolio).

A command's package is imported only when that command runs: `grader --help` imports none of them,
and `grader run` never imports the site, its database or its queue. The installation's settings are
read from the environment once, when a command starts, and handed to it. Every command but `bundle`
(which writes programs for other users to run) writes with a umask that keeps the site's data private,
and, run as root, leaves what it made in the instance folder to that folder's owner (the site's service
user).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import click

from grader import __version__
from grader.config import CONTEXT_KEY, DOCTOR_CHECKS_KEY


@dataclass(frozen=True)
class CommandEntry:
    """A command of the `grader` command line: where it lives and the line `--help` shows for it."""

    name: str
    location: str
    """`package.module:attribute` of the click command."""
    summary: str

    def load(self) -> click.Command:
        module, _, attribute = self.location.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command) or command.name != self.name:
            raise RuntimeError(f"{self.location} is not the `{self.name}` command")
        return command


COMMANDS: tuple[CommandEntry, ...] = (
    CommandEntry("run", "grader.cli:run", "Grade a submission folder against an exercise."),
    CommandEntry("validate", "grader.cli:validate", "Check that exercises are sound."),
    CommandEntry("new", "grader.cli:new", "Make a new exercise, sound as written, to change into your own."),
    CommandEntry("images", "grader.cli:images", "The runner image every submission runs in."),
    CommandEntry("doctor", "grader.cli:doctor", "Prove on this host that the sandbox holds."),
    CommandEntry("serve", "web.serve:serve", "Run the classroom site (and a grading worker)."),
    CommandEntry("users", "web.commands:users", "Accounts of the classroom site."),
    CommandEntry("exercises", "web.commands:exercises_group", "The exercise catalogue the site shows."),
    CommandEntry("db", "web.commands:db_group", "The site's database."),
    CommandEntry("worker", "service.worker:worker_command", "Grade queued submissions on this machine."),
    CommandEntry("bundle", "ops.commands:bundle_group", "Install and upgrade a site with no internet."),
    CommandEntry("backup", "ops.commands:backup_command", "Back up the database and instance folder."),
    CommandEntry("restore", "ops.commands:restore_command", "Put back a back-up's database and files."),
    CommandEntry("tls", "ops.commands:tls_command", "Make the certificates to serve the site over HTTPS."),
    CommandEntry("verify", "ops.record_commands:verify_command", "Check a signed record or transfer file."),
    CommandEntry("site-key", "ops.record_commands:site_key_command", "This site's signing key for records."),
    CommandEntry("transfer", "ops.record_commands:transfer_group", "Move a learner to another site."),
    CommandEntry("pack", "ops.pack_commands:pack_group", "Share tracks of exercises between sites."),
    CommandEntry("portfolio", "ops.record_commands:portfolio_group", "Approved portfolio exports."),
)


class LazyGroup(click.Group):
    """A group whose commands are imported when they run; its help lists them from `COMMANDS`."""

    def __init__(self, entries: tuple[CommandEntry, ...], **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.entries = {entry.name: entry for entry in entries}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.entries)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = self.entries.get(cmd_name)
        return entry.load() if entry is not None else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(entry.name, entry.summary) for entry in self.entries.values()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, entries=COMMANDS, name="grader")
@click.version_option(__version__, prog_name="grader")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Offline autograder for coding workshops."""
    from config import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise click.UsageError(f"configuration: {error}") from None
    from ops.permissions import doctor_row, give_to_instance_owner, use_data_umask

    ctx.obj = settings
    ctx.meta[CONTEXT_KEY] = settings.grading
    ctx.meta[DOCTOR_CHECKS_KEY] = (lambda: doctor_row(settings.instance, settings.backups),)
    if ctx.invoked_subcommand != "bundle":
        use_data_umask(settings.instance)
        ctx.call_on_close(lambda: give_to_instance_owner(settings.instance, settings.backups))
