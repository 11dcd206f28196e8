"""config/settings.py: every setting read once from the environment, with errors that name it."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import Settings, SettingsError
from config.settings import HelpThresholds
from sandbox import SandboxSettings


def env(tmp_path: Path, **more: str) -> dict[str, str]:
    return {"GRADER_INSTANCE": str(tmp_path / "instance"), "HOME": str(tmp_path), **more}


def test_defaults_live_in_the_instance_folder(tmp_path: Path) -> None:
    settings = Settings.from_env(env(tmp_path))
    instance = tmp_path / "instance"
    assert settings.instance == instance
    assert settings.database_url == f"sqlite:///{instance / 'grader.db'}"
    assert settings.queue_url == f"sqlite:///{instance / 'queue.db'}"
    assert settings.backups == instance / "backups"
    assert settings.references == tmp_path / ".cache" / "grader" / "references"
    assert settings.grading.sandbox == SandboxSettings()
    assert (settings.submit_cooldown_s, settings.grade_attempts, settings.retry_delay_s) == (3.0, 6, 1.0)
    assert not instance.exists()  # nothing is written until something needs it


def test_every_variable_reaches_its_setting(tmp_path: Path) -> None:
    settings = Settings.from_env(env(
        tmp_path, GRADER_DATABASE_URL="postgresql+psycopg://db/grader", GRADER_QUEUE_URL="redis://q:6379/0",
        GRADER_EXERCISES=str(tmp_path / "ex"), GRADER_REFERENCES=str(tmp_path / "refs"),
        GRADER_RUNTIME="runsc", GRADER_CPUS="0.5", GRADER_PIDS="99", GRADER_POOL_SIZE="3",
        GRADER_PREVIEW_ORIGIN="http://10.0.0.5:8001/", GRADER_SUBMIT_COOLDOWN_S="0",
        GRADER_COOKIE_SECURE="yes", GRADER_GRADE_ATTEMPTS="2", GRADER_HOME=str(tmp_path / "opt"),
        GRADER_DEBIAN_MIRROR="file:///media/usb/debian", GRADER_SIGNING_PASSPHRASE="",
        GRADER_HELP_FAILED_IN_A_ROW="4", GRADER_HELP_SAME_CHECK_IN_A_ROW="5",
        GRADER_HELP_LONG_ON_EXERCISE_MIN="30", GRADER_HELP_IDLE_MIN="7.5", GRADER_HELP_RECENT_MIN="120",
    ))
    assert settings.database_url == "postgresql+psycopg://db/grader"
    assert settings.queue_url == "redis://q:6379/0"
    assert settings.exercises == tmp_path / "ex" and settings.references == tmp_path / "refs"
    sandbox = settings.grading.sandbox
    assert (sandbox.runtime, sandbox.limits.cpus, sandbox.limits.pids) == ("runsc", 0.5, 99)
    assert sandbox.pool_size == 3
    assert settings.preview_origin == "http://10.0.0.5:8001"
    assert settings.submit_cooldown_s == 0 and settings.cookie_secure and settings.grade_attempts == 2
    assert settings.home == tmp_path / "opt"
    assert settings.grading.debian_mirror == "file:///media/usb/debian"
    assert settings.signing_passphrase == ""  # set but empty: no passphrase, and nothing is asked
    assert settings.help == HelpThresholds(4, 5, 30.0, 7.5, 120.0)


@pytest.mark.parametrize(("name", "value", "words"), [
    ("GRADER_SUBMIT_COOLDOWN_S", "soon", "GRADER_SUBMIT_COOLDOWN_S='soon' is not a number"),
    ("GRADER_RUNTIME", "kata", "unknown sandbox runtime 'kata'"),
    ("GRADER_PIDS", "1", "pids=1"),
    ("GRADER_HELP_FAILED_IN_A_ROW", "0", "GRADER_HELP_.*at least 1"),
    ("GRADER_HELP_RECENT_MIN", "5", "GRADER_HELP_.*recent_min at least idle_min"),
])
def test_a_value_that_cannot_be_used_is_named(tmp_path: Path, name: str, value: str, words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        Settings.from_env(env(tmp_path, **{name: value}))


def test_the_secret_key_is_made_once_when_first_needed_and_kept_private(tmp_path: Path) -> None:
    first = Settings.from_env(env(tmp_path))
    key_file = tmp_path / "instance" / "secret_key"
    assert not key_file.exists()
    key = first.secret_key
    assert key_file.stat().st_mode & 0o777 == 0o600 and len(key) >= 32
    assert Settings.from_env(env(tmp_path)).secret_key == key  # another process reads the same key
    given = Settings.from_env(env(tmp_path, GRADER_SECRET_KEY="k" * 40))
    assert given.secret_key == "k" * 40


def test_a_short_key_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "secret_key").write_text("short")
    with pytest.raises(SettingsError, match="shorter than 32"):
        _ = Settings.from_env(env(tmp_path)).secret_key


def test_but_changes_a_copy_and_reaches_into_grading(tmp_path: Path) -> None:
    settings = Settings.from_env(env(tmp_path))
    changed = settings.but(exercises=tmp_path / "other", submit_cooldown_s=9)
    assert changed.exercises == tmp_path / "other" and changed.submit_cooldown_s == 9
    assert settings.exercises != tmp_path / "other" and settings.submit_cooldown_s == 3


def test_the_help_thresholds_default_to_the_guides_figures(tmp_path: Path) -> None:
    assert Settings.from_env(env(tmp_path)).help == HelpThresholds(3, 3, 20.0, 10.0, 90.0)
