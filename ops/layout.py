"""An installed site's folders (`<prefix>`, /opt/grader by default) and its settings file.

    bin/grader               the command to use: reads grader.env, then runs the current release
    grader.env               the site's settings (GRADER_INSTANCE, GRADER_DATABASE_URL, ...), kept on upgrades
    grader-site.service      systemd units to copy to /etc/systemd/system (deploy/ shows them for
    grader-worker.service    /opt/grader): the site as `grader`, the worker as `grader-worker`
    current -> releases/R    the release that runs
    releases/R/              one per installed bundle: manifest.json, release.json, exercises/, venv -> V
    venvs/V/                 Python environments, shared by releases whose wheels are the same
    instance/                the data: database, queue, secret key
    backups/                 back-ups, among them the one taken before each upgrade
    trusted-keys/*.pub       the keys whose bundles this site installs
    trusted-sites/*.pub      the keys of other sites whose transfer files this site reads
    trusted-packs/*.pub      the keys whose exercise packs this site imports (store.packs)
    logs/                    a log of every install and rollback
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_PREFIX = Path("/opt/grader")
COMPLETE = ".complete"  # in a virtual environment whose packages all installed (install.sh writes it too)

ENV_FILE = """\
# Settings of this grader site, read by {prefix}/bin/grader. Upgrades keep this file.
# One NAME=value a line; quote a value that has spaces. docs/operations.md lists every setting.
GRADER_INSTANCE={prefix}/instance
GRADER_BACKUPS={prefix}/backups
# GRADER_DATABASE_URL=postgresql+psycopg://grader:PASSWORD@localhost/grader
# GRADER_RUNTIME=runsc
"""
WRAPPER = """\
#!/bin/sh
# The grader of the site in {prefix} (written by `grader bundle install`): its settings, then the
# release that runs now.
set -a
. '{prefix}/grader.env'
set +a
GRADER_HOME='{prefix}'
: "${{GRADER_EXERCISES:={prefix}/current/exercises}}"
export GRADER_HOME GRADER_EXERCISES
exec '{prefix}/current/venv/bin/grader' "$@"
"""
SITE_SERVICE = """\
# The classroom site and the preview origin, as the unprivileged user `grader`, which is not in the
# `docker` group and cannot reach the Docker socket: a bug in the site is not root on this machine.
# Made by `grader bundle install`; docs/operations.md ("Two services, two users") says how to set up.
[Unit]
Description=Code workshop grader: the classroom site and the preview origin (no Docker socket)
Wants=network-online.target
After=network-online.target

[Service]
User=grader
Group=grader
Environment=GRADER_REFERENCES={prefix}/instance/references
ExecStart={prefix}/bin/grader serve --no-worker
Restart=on-failure
RestartSec=5
NoNewPrivileges=yes
CapabilityBoundingSet=
InaccessiblePaths=-/var/run/docker.sock -/run/docker.sock -/run/containerd
ProtectSystem=full
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes

[Install]
WantedBy=multi-user.target
"""
WORKER_SERVICE = """\
# A grading worker, as its own user `grader-worker`, the only one in the `docker` group: it shares the
# data (group `grader`) with the site, and only it holds the Docker socket.
[Unit]
Description=Code workshop grader: a grading worker (the only part with the Docker socket)
Requires=docker.service
After=docker.service grader-site.service

[Service]
User=grader-worker
Group=grader
SupplementaryGroups=docker
Environment=GRADER_REFERENCES={prefix}/instance/references
ExecStart={prefix}/bin/grader worker
Restart=on-failure
RestartSec=15
TimeoutStopSec=70
NoNewPrivileges=yes
CapabilityBoundingSet=
ProtectSystem=full
ProtectHome=yes
PrivateTmp=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
RestrictSUIDSGID=yes
LockPersonality=yes

[Install]
WantedBy=multi-user.target
"""
UNITS = {"grader-site.service": SITE_SERVICE, "grader-worker.service": WORKER_SERVICE}


def read_env_file(path: Path) -> dict[str, str]:
    """NAME=value lines of a shell-style settings file (comments, quotes and `export` allowed)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["export"]:
            words = words[1:]
        for word in words:
            name, sep, value = word.partition("=")
            if sep and name.isidentifier():
                values[name] = value
    return values


@dataclass(frozen=True)
class ReleaseRecord:
    """`release.json`: when a release was installed, what ran before it and the back-up taken first."""

    release: str
    grader_version: str
    installed_at: str
    previous: str | None
    backup: str | None
    rolled_back_at: str | None = None


@dataclass(frozen=True)
class Site:
    prefix: Path

    @property
    def env_file(self) -> Path:
        return self.prefix / "grader.env"

    @property
    def command(self) -> Path:
        return self.prefix / "bin" / "grader"

    @property
    def current(self) -> Path:
        return self.prefix / "current"

    @property
    def releases(self) -> Path:
        return self.prefix / "releases"

    @property
    def venvs(self) -> Path:
        return self.prefix / "venvs"

    @property
    def trusted_keys(self) -> Path:
        return self.prefix / "trusted-keys"

    @property
    def trusted_sites(self) -> Path:
        return self.prefix / "trusted-sites"

    @property
    def logs(self) -> Path:
        return self.prefix / "logs"

    def release_dir(self, release: str) -> Path:
        return self.releases / release

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment the site's commands run with: `base` (default: this process's), then
        grader.env, and the curriculum of the current release unless grader.env names another."""
        env = {**(os.environ if base is None else base), **read_env_file(self.env_file)}
        env["GRADER_HOME"] = str(self.prefix)
        env.setdefault("GRADER_EXERCISES", str(self.current / "exercises"))
        return env

    def write_scaffolding(self) -> None:
        """The folders, grader.env (only when missing), the command and the systemd units."""
        for folder in (self.releases, self.venvs, self.logs, self.command.parent):
            folder.mkdir(parents=True, exist_ok=True)
        if not self.env_file.exists():
            self.env_file.write_text(ENV_FILE.format(prefix=self.prefix))
        _write_atomically(self.command, WRAPPER.format(prefix=self.prefix), 0o755)
        for name, unit in UNITS.items():
            _write_atomically(self.prefix / name, unit.format(prefix=self.prefix), 0o644)

    def current_release(self) -> str | None:
        return os.readlink(self.current).rsplit("/", 1)[-1] if self.current.is_symlink() else None

    def switch_to(self, release: str) -> None:
        """Point `current` at `release` in one step (rename over the old link)."""
        draft = self.prefix / ".current.new"
        draft.unlink(missing_ok=True)
        draft.symlink_to(Path("releases") / release)
        os.replace(draft, self.current)

    def read_record(self, release: str) -> ReleaseRecord | None:
        path = self.release_dir(release) / "release.json"
        return ReleaseRecord(**json.loads(path.read_text())) if path.is_file() else None

    def write_record(self, record: ReleaseRecord) -> None:
        _write_atomically(self.release_dir(record.release) / "release.json",
                          json.dumps(asdict(record), indent=1) + "\n", 0o644)


def _write_atomically(path: Path, text: str, mode: int) -> None:
    draft = path.with_name(f".{path.name}.new")
    draft.write_text(text)
    draft.chmod(mode)
    os.replace(draft, path)
