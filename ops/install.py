"""`grader bundle install`: install or upgrade a site from a bundle with no network.

Check the bundle; load its images into Docker; make the virtual environment from its wheels with
`pip install --no-index`; unpack the release (curriculum included) beside the running one; back up
the data; migrate the database and read the curriculum with the new release's own commands; then
switch `current` to it in one step and run `grader doctor`. Until the switch, the site keeps running
the release it had; when the migration fails, the database is put back from the back-up.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from config import Settings
from grader.runner_image import ImageEngine, SandboxError, image_engine
from ops import databases
from ops.backup import SiteData, create_backup, describe_counts
from ops.errors import OpsError
from ops.layout import COMPLETE, ReleaseRecord, Site
from ops.manifest import EXERCISES, GUIDES, MANIFEST, WHEELS
from ops.restore import restore_backup
from ops.running import refuse_while_running
from ops.signing import load_public_key, trust_key, trusted_keys
from ops.venv import offline_venv, python_version
from ops.verify import HashingReader, VerifiedBundle, open_bundle, verify_bundle

STEPS = 8
KEEP_RELEASES = 3
Say = Callable[[str], None]


class InstallFailed(OpsError):
    """A step after the check failed; the message says what state the site was left in."""


@dataclass(frozen=True)
class InstallOptions:
    bundle: Path
    prefix: Path
    python: str = "python3"
    trust: Path | None = None
    doctor: bool = True
    allow_unsigned: bool = False


@dataclass(frozen=True)
class InstallResult:
    release: str
    previous: str | None
    backup: Path | None
    doctor_ok: bool | None
    log: Path


class InstallLog:
    """Every step and every command's output, in `<prefix>/logs/`; the steps are also said to the person."""

    def __init__(self, path: Path, say: Say) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self._say, self._step = path, say, 0

    def write(self, text: str) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")

    def step(self, text: str) -> None:
        self._step += 1
        line = f"[{self._step}/{STEPS}] {text}"
        self._say(line)
        self.write(line)

    def say(self, text: str) -> None:
        self._say(f"      {text}")
        self.write(text)

    def run(self, command: list[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
        self.write("+ " + " ".join(command))
        done = subprocess.run(command, env=dict(env), capture_output=True, text=True)
        self.write(done.stdout + done.stderr + f"(exit {done.returncode})")
        return done


def install_bundle(options: InstallOptions, say: Say) -> InstallResult:
    """Install the bundle `options.bundle` into the site at `options.prefix` (see the module docstring).

    Raises:
        BundleRefused: the bundle failed its checks, or no trusted key signed it and
            `options.allow_unsigned` is False (nothing was changed).
        InstallFailed: a later step failed; the message says what was put back.
        OpsError, SandboxUnavailable: Docker, Python or pip missing or failing.
    """
    site = Site(options.prefix)
    log = InstallLog(site.logs / f"install-{datetime.now(UTC):%Y%m%d-%H%M%S}.log", say)
    keys = trusted_keys(site.trusted_keys) + ([load_public_key(options.trust)] if options.trust else [])
    log.step(f"Checking {options.bundle}")
    verified = verify_bundle(options.bundle, keys, require_signer=not options.allow_unsigned)
    manifest = verified.manifest
    log.say(verified.summary())
    if verified.signer is None:
        log.say("Installed without a checked signature (--allow-unsigned): nothing proves who made it.")
    if options.trust:
        log.say(f"This site now trusts the key {trust_key(site.trusted_keys, options.trust).fingerprint}.")
    site.write_scaffolding()
    env = site.env()
    refuse_while_running(SiteData.from_settings(Settings.from_env(env)).database_url)
    log.step("Loading the images into Docker")
    with image_engine() as engine:
        _load_images(verified, engine, log)
    log.step(f"Python packages for grader {manifest.grader_version}")
    venv = ensure_venv(site, verified, options.python, log)
    log.step(f"Release {manifest.release} (curriculum: {manifest.exercises} exercises)")
    release = _unpack_release(site, verified, venv)
    previous = site.current_release()
    env = _release_env(site, env, release)
    data = SiteData.from_settings(Settings.from_env(env))
    log.step("Back-up of the data")
    before = databases.counts(data.database_url)
    backup = None
    if before:
        backup, _ = create_backup(data, label=f"before-{manifest.release}")
        log.say(f"{backup} ({describe_counts(before)})")
    else:
        log.say("nothing to back up yet: the database is new")
    log.step("Database migrations")
    _migrate(site, release, env, data, backup, previous, log)
    log.step("Catalogue")
    synced = log.run([str(site.release_dir(release) / "venv" / "bin" / "grader"), "exercises", "sync"], env)
    said = (synced.stdout + synced.stderr).strip().splitlines()
    log.say(said[-1] if said else f"exit {synced.returncode}")
    log.step(f"Switching the site to {release}")
    record = site.read_record(release)
    if previous == release and record is not None:
        previous = record.previous  # installed again: keep what it replaced the first time
    site.write_record(ReleaseRecord(release, manifest.grader_version, datetime.now(UTC).isoformat(),
                                    previous, str(backup) if backup else None))
    site.switch_to(release)
    log.say(f"{site.current} -> releases/{release}" + (f" (before: {previous})" if previous else ""))
    prune(site)
    doctor_ok = run_doctor(site, log) if options.doctor else None
    return InstallResult(release, previous, backup, doctor_ok, log.path)


def _load_images(verified: VerifiedBundle, engine: ImageEngine, log: InstallLog) -> None:
    manifest = verified.manifest
    with open_bundle(verified.path) as archive:
        for image in manifest.images:
            stream = archive.extractfile(image.file)
            assert stream is not None
            reader = HashingReader(stream)
            for line in engine.load(reader):
                log.say(line)
            if reader.entry() != manifest.files[image.file]:
                raise InstallFailed(f"{image.file} changed while it was being loaded: check the bundle again")
    try:
        engine.adopt_runner(manifest.runner_tag, manifest.runner_content_hash)
    except SandboxError as error:
        raise InstallFailed(f"{error}: check the bundle again") from None


def ensure_venv(site: Site, verified: VerifiedBundle, python: str, log: InstallLog) -> Path:
    """The virtual environment of the bundle's wheels, made with `pip install --no-index` if missing."""
    manifest = verified.manifest
    venv = site.venvs / manifest.venv_name
    if (venv / COMPLETE).exists():
        log.say(f"{venv} is there already")
        return venv
    here = python_version(python, log.run)
    if here is None:
        raise OpsError(f"{python} does not run here: install Debian's python3 package")
    if here != manifest.python:
        raise OpsError(f"this bundle's Python packages are for Python {manifest.python}, and {python} here "
                       f"is {here}: ask for a bundle made for Python {here}")
    shutil.rmtree(venv, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=".wheels-", dir=site.venvs) as scratch:
        wheels = Path(scratch)
        _extract_checked(verified, manifest.wheel_names(), wheels, strip=f"{WHEELS}/")
        log.say(f"pip install --isolated --no-index --find-links WHEELS grader=={manifest.grader_version}")
        try:
            offline_venv(python, venv, wheels, f"grader=={manifest.grader_version}", log.run)
        except OpsError as error:
            raise OpsError(f"{error}: this bundle cannot be installed here (log: {log.path})") from None
    (venv / COMPLETE).touch()
    return venv


def _extract_checked(verified: VerifiedBundle, names: list[str], into: Path, strip: str) -> None:
    into.mkdir(parents=True, exist_ok=True)
    with open_bundle(verified.path) as archive:
        for name in names:
            stream = archive.extractfile(name)
            assert stream is not None
            target = into / name.removeprefix(strip)
            target.parent.mkdir(parents=True, exist_ok=True)
            reader = HashingReader(stream)
            with target.open("wb") as handle:
                while chunk := reader.read(1024 * 1024):
                    handle.write(chunk)
            if reader.entry() != verified.manifest.files[name]:
                raise InstallFailed(f"{name} changed while it was being unpacked: check the bundle again")


def _unpack_release(site: Site, verified: VerifiedBundle, venv: Path) -> str:
    manifest = verified.manifest
    folder = site.release_dir(manifest.release)
    folder.mkdir(parents=True, exist_ok=True)
    for part in (EXERCISES, GUIDES):
        fresh = folder / f".{part}.new"
        shutil.rmtree(fresh, ignore_errors=True)
        names = sorted(name for name in manifest.files if name.startswith(f"{part}/"))
        _extract_checked(verified, names, fresh, strip=f"{part}/")
        shutil.rmtree(folder / part, ignore_errors=True)
        os.replace(fresh, folder / part)
    (folder / MANIFEST).write_bytes(manifest.to_bytes())
    link = folder / "venv"
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(venv, folder))
    return manifest.release


def _release_env(site: Site, env: dict[str, str], release: str) -> dict[str, str]:
    """The environment of the release being installed: its own curriculum, unless the site names another."""
    if env.get("GRADER_EXERCISES") == str(site.current / EXERCISES):
        env = {**env, "GRADER_EXERCISES": str(site.release_dir(release) / EXERCISES)}
    return env


def _migrate(site: Site, release: str, env: dict[str, str], data: SiteData, backup: Path | None,
             previous: str | None, log: InstallLog) -> None:
    before = databases.revision_of(databases.counts(data.database_url), data.database_url)
    done = log.run([str(site.release_dir(release) / "venv" / "bin" / "grader"), "db", "upgrade"], env)
    if done.returncode == 0:
        after = databases.revision_of(databases.counts(data.database_url), data.database_url)
        log.say(f"revision {before or '(none)'} -> {after}")
        return
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-6:])
    running = f"The site still runs {previous}." if previous else "Nothing was switched on."
    failed = f"The database migrations of {release} failed (log: {log.path}):\n{tail}\n"
    if backup is None:
        raise InstallFailed(f"{failed}{running}")
    restore_backup(data, backup, force=True, save_first=False)
    raise InstallFailed(f"{failed}The database was put back from {backup}. {running}")


def run_doctor(site: Site, log: InstallLog) -> bool:
    """`grader doctor` through the site's own command, as the site's people will run it."""
    log.say("grader doctor:")
    done = log.run([str(site.command), "doctor"], site.env())
    for line in done.stdout.strip().splitlines():
        log.say(line.strip())
    if done.returncode != 0:
        log.say("grader doctor found a problem (above): grading will not start until it is fixed. "
                "`grader bundle rollback` goes back to the release before.")
    return done.returncode == 0


def prune(site: Site) -> None:
    """Remove releases beyond the newest few (never the current one or the one before it), and
    virtual environments no release uses."""
    current = site.current_release()
    record = site.read_record(current) if current else None
    keep = {current, record.previous if record else None}
    releases = sorted((p for p in site.releases.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime,
                      reverse=True)
    keep |= {p.name for p in releases[:KEEP_RELEASES]}
    for folder in releases:
        if folder.name not in keep:
            shutil.rmtree(folder)
    used = {(p / "venv").resolve() for p in site.releases.iterdir() if (p / "venv").exists()}
    for venv in site.venvs.iterdir():
        if venv.is_dir() and not venv.name.startswith(".") and venv.resolve() not in used:
            shutil.rmtree(venv)

