"""The grading service's commands (assembled by cli/)."""

from __future__ import annotations

import click

from service.worker import worker_command

COMMANDS: tuple[click.Command, ...] = (worker_command,)
