"""cli/: the `grader` command is assembled in one place, imports a command's package only when that
command runs, and reads the settings once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[2]
SITE_STACK = ("flask", "sqlalchemy", "huey", "alembic", "web", "service", "store")
"""What the grading commands never load. Of ops, they load only ops.permissions (the data umask every
command but `bundle` sets, a few lines of the standard library)."""


def imported_by(*args: str) -> set[str]:
    """The top-level modules a fresh interpreter has loaded after `grader ARGS` (which must exit 0)."""
    script = (
        "import json, sys\n"
        "from cli import main\n"
        f"try:\n    main({list(args)!r}, prog_name='grader')\n"
        "except SystemExit as done:\n    assert done.code in (0, None), done.code\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_every_package_contributes_its_commands() -> None:
    names = {entry.name for entry in COMMANDS}
    assert {"run", "validate", "images", "doctor"} <= names  # grading
    assert {"serve", "users", "exercises", "db"} <= names  # the site
    assert {"worker"} <= names  # the grading service
    assert {"bundle", "backup", "restore"} <= names  # offline operations


def test_every_entry_loads_the_command_it_names() -> None:
    for entry in COMMANDS:
        command = entry.load()
        assert isinstance(command, click.Command) and command.name == entry.name


def test_importing_a_package_adds_no_command() -> None:
    """Commands come from the assembly, never from an import's side effect."""
    import grader.cli
    import web.commands

    assert not hasattr(grader.cli, "main") and not hasattr(web.commands, "main")


def test_help_imports_no_command_package() -> None:
    loaded = imported_by("--help")
    assert not loaded & {*SITE_STACK, "ops", "docker", "pydantic"}, loaded


def test_the_grading_commands_never_import_the_site() -> None:
    assert not imported_by("run", "--help") & set(SITE_STACK)
    assert not imported_by("validate", "--help") & set(SITE_STACK)


def test_a_setting_that_cannot_be_used_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["doctor"], env={"GRADER_CPUS": "lots"})
    assert result.exit_code == 2
    assert "configuration: GRADER_CPUS='lots' is not a number" in result.output


def test_an_unknown_command_is_refused() -> None:
    result = CliRunner().invoke(main, ["frobnicate"])
    assert result.exit_code == 2 and "No such command 'frobnicate'" in result.output
