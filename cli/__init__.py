"""The `grader` command, assembled here and only here: the grading commands (run, validate, images,
doctor), the site's (serve, users, exercises, db), the grading service's (worker) and the offline
operations' (bundle, backup, restore; verify, site-key, transfer, portfolio). The installation's
settings are read from the environment once, when the command starts, and handed to the command that
runs."""

from __future__ import annotations

import click

from config import Settings, SettingsError
from grader import __version__
from grader import cli as grading_commands
from ops import commands as ops_commands
from ops import record_commands
from service import commands as service_commands
from web import commands as site_commands

COMMANDS: tuple[click.Command, ...] = (
    *grading_commands.COMMANDS,
    *site_commands.COMMANDS,
    *service_commands.COMMANDS,
    *ops_commands.COMMANDS,
    *record_commands.COMMANDS,
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
