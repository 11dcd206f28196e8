"""cli/: the `grader` command is assembled in one place and reads the settings once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_contributes_its_commands() -> None:
    names = {command.name for command in COMMANDS}
    assert {"run", "validate", "images", "doctor"} <= names  # grading
    assert {"serve", "users", "exercises", "db"} <= names  # the site
    assert {"worker"} <= names  # the grading service
    assert {"bundle", "backup", "restore"} <= names  # offline operations
    assert set(main.commands) == names


def test_importing_a_package_adds_no_command() -> None:
    """Commands come from the assembly, never from an import's side effect."""
    import grader.cli
    import web.commands

    assert not hasattr(grader.cli, "main") and not hasattr(web.commands, "main")


def test_a_setting_that_cannot_be_used_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["doctor"], env={"GRADER_CPUS": "lots"})
    assert result.exit_code == 2
    assert "configuration: GRADER_CPUS='lots' is not a number" in result.output


def test_help_runs_as_a_program() -> None:
    done = subprocess.run([sys.executable, "-m", "cli", "--help"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "validate" in done.stdout and "worker" in done.stdout
