"""Real PostgreSQL and Redis servers for tests, started in temporary folders on free ports (fixtures
`postgres` and `redis_url`, registered for every test by tests/conftest.py)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.machine import unavailable
from tests.helpers.service import free_port, wait_until


def postgres_tool(name: str) -> str:
    """pg_ctl and initdb: on PATH, or where Debian's postgresql package puts them."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                                                   reverse=True)), None)
    if found is None:
        unavailable(f"PostgreSQL's {name} is not installed (apt-get install postgresql)")
    return str(found)


def as_server_user(folder: Path) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as `postgres` (or `nobody`)."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        os.chown(folder, user.pw_uid, user.pw_gid)
        return ["runuser", "-u", name, "--"]
    unavailable("no user to run PostgreSQL as (neither postgres nor nobody exists)")
    return []


@pytest.fixture
def postgres() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="grader-pg-"))
    as_user = as_server_user(folder)
    data, port = folder / "data", free_port()
    try:
        subprocess.run([*as_user, postgres_tool("initdb"), "-D", str(data), "-U", "grader", "-A", "trust",
                        "-E", "UTF8", "--no-sync"], check=True, capture_output=True, timeout=120)
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
        subprocess.run([*as_user, postgres_tool("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-o",
                        options, "-w", "-t", "60", "start"], check=True, capture_output=True, timeout=90)
        yield f"postgresql+psycopg://grader@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*as_user, postgres_tool("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        unavailable("redis-server is not installed (apt-get install redis-server)")
    import redis

    port = free_port()
    process = subprocess.Popen([str(server), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    try:
        wait_until(lambda: process.poll() is not None or _answers(client), 30, "redis-server to answer")
        assert process.poll() is None, "redis-server exited"
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=30)


def _answers(client: object) -> bool:
    try:
        return bool(client.ping())  # type: ignore[attr-defined]
    except Exception:
        return False
