"""An installed site's folders: the settings file, the command it writes, and the `current` switch."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ops.layout import Site, read_env_file


def test_the_settings_file_reads_as_the_shell_reads_it(tmp_path: Path) -> None:
    env_file = tmp_path / "grader.env"
    env_file.write_text("# a comment\nGRADER_INSTANCE='/srv/grader data'\nexport GRADER_RUNTIME=runsc\n"
                        'GRADER_DATABASE_URL="postgresql+psycopg://u:p@h/db"  # PostgreSQL\n\n')
    values = read_env_file(env_file)
    shell = subprocess.run(["sh", "-c", f"set -a; . '{env_file}'; env"], capture_output=True, text=True,
                           env={"PATH": "/usr/bin:/bin"}, check=True)
    for name, value in values.items():
        assert f"{name}={value}\n" in shell.stdout
    assert values["GRADER_INSTANCE"] == "/srv/grader data" and values["GRADER_RUNTIME"] == "runsc"


def test_the_command_runs_the_current_release_with_the_sites_settings(tmp_path: Path) -> None:
    site = Site(tmp_path / "grader")
    site.write_scaffolding()
    for release in ("one", "two"):
        fake = site.release_dir(release) / "venv" / "bin" / "grader"
        fake.parent.mkdir(parents=True)
        fake.write_text(f'#!/bin/sh\necho "{release} $GRADER_INSTANCE $GRADER_EXERCISES $*"\n')
        fake.chmod(0o755)
    site.switch_to("one")
    site.switch_to("two")
    said = subprocess.run([str(site.command), "doctor"], capture_output=True, text=True, check=True).stdout
    assert said == f"two {site.prefix}/instance {site.prefix}/current/exercises doctor\n"
    assert site.current_release() == "two"
    site.write_scaffolding()  # again, as every install does: the settings file is kept
    assert read_env_file(site.env_file)["GRADER_INSTANCE"] == f"{site.prefix}/instance"
