"""The `grader` command, assembled here and only here: the grading commands (run, validate, images,
doctor), the site's (serve, users, exercises, db), the grading service's (worker) and the offline
operations' (bundle, backup, restore). The installation's settings are read from the environment once,
when the command starts, and handed to the command that runs. Every command but `bundle` (which writes
programs for other users to run) writes with a umask that keeps the site's data private, and, run as
root, leaves what it made in the instance folder to that folder's owner (the site's service user)."""

from __future__ import annotations

import click

from config import Settings, SettingsError
from grader import __version__
from grader import cli as grading_commands
from ops import commands as ops_commands
from ops.permissions import doctor_row, give_to_instance_owner, use_data_umask
from service import commands as service_commands
from web import commands as site_commands

COMMANDS: tuple[click.Command, ...] = (
    *grading_commands.COMMANDS,
    *site_commands.COMMANDS,
    *service_commands.COMMANDS,
    *ops_commands.COMMANDS,
)


@click.group(commands=COMMANDS)
@click.version_option(__version__, prog_name="grader")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Offline autograder for coding workshops."""
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise click.UsageError(f"configuration: {error}") from None
    ctx.obj = settings
    ctx.meta[grading_commands.SETTINGS_KEY] = settings.grading
    ctx.meta[grading_commands.DOCTOR_CHECKS_KEY] = (lambda: doctor_row(settings.instance, settings.backups),)
    if ctx.invoked_subcommand != "bundle":
        use_data_umask(settings.instance)
        ctx.call_on_close(lambda: give_to_instance_owner(settings.instance, settings.backups))
