"""`grader bundle rollback`: go back to the release that ran before the last upgrade, with the
database as it was just before that upgrade (the back-up the install took)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from config import Settings
from ops import databases
from ops.backup import SiteData, describe_counts
from ops.errors import OpsError
from ops.install import InstallLog, run_doctor
from ops.layout import Site
from ops.restore import restore_backup
from ops.running import refuse_while_running


class RollbackRefused(OpsError):
    """A rollback loses what was done since the upgrade: it needs --force; the message says what."""


@dataclass(frozen=True)
class RollbackResult:
    left: str
    back_to: str
    saved_first: Path | None
    doctor_ok: bool | None


def rollback(prefix: Path, *, force: bool, doctor: bool, say: Callable[[str], None]) -> RollbackResult:
    """Switch the site at `prefix` back to the release before the current one and restore the back-up
    taken before the current one was installed.

    Raises:
        RollbackRefused: `force` is False (the message says what would be replaced and lost).
        OpsError: there is no release to go back to, or its back-up is gone.
    """
    site = Site(prefix)
    current = site.current_release()
    record = site.read_record(current) if current else None
    if current is None or record is None or not record.previous:
        raise OpsError(f"There is no earlier release to go back to in {prefix} "
                       f"(the current one is {current or 'none'}).")
    if not site.release_dir(record.previous).is_dir():
        raise OpsError(f"The release before, {record.previous}, is no longer in {site.releases}.")
    if not record.backup or not Path(record.backup).is_file():
        raise OpsError(f"The back-up taken before {current} was installed ({record.backup or 'none'}) is "
                       "gone: restore a back-up by hand with `grader restore`.")
    data = SiteData.from_settings(Settings.from_env(site.env()))
    now = databases.counts(data.database_url)
    if not force:
        raise RollbackRefused(
            f"Rolling back switches the site from {current} to {record.previous} and puts the database back "
            f"as it was before {current} was installed ({record.installed_at[:19]}, back-up "
            f"{record.backup}).\n"
            f"The site now holds {describe_counts(now)}: whatever was done since the upgrade is lost (it is "
            f"saved to {data.backups} first). Stop the site, then run again with --force to do it.")
    refuse_while_running(data.database_url)
    log = InstallLog(site.logs / f"rollback-{datetime.now(UTC):%Y%m%d-%H%M%S}.log", say)
    restored = restore_backup(data, Path(record.backup), force=True, say=log.say)
    site.switch_to(record.previous)
    site.write_record(replace(record, rolled_back_at=datetime.now(UTC).isoformat()))
    log.say(f"{site.current} -> releases/{record.previous}; database: {describe_counts(restored.counts)}")
    doctor_ok = run_doctor(site, log) if doctor else None
    return RollbackResult(current, record.previous, restored.saved_first, doctor_ok)
