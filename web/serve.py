"""`grader serve`: prepare the database and catalogue, then run the site and the preview origin under
gunicorn and (unless --no-worker) a grading worker, and keep them running until stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import click

from config import Settings
from store.catalog_sync import sync_catalog
from store.db import make_engine, session_factory, upgrade_database
from store.publishing import version_store
from web.demo import announcement, ensure_demo_accounts

THREADS = 8
"""Threads of each site process: up to GRADER_EVENT_STREAMS (4) of them may hold a pushed-result stream
(web/events.py) while the others serve pages."""
WORKER_RESTART_S = 15  # a worker that stops (engine down, doctor failing) is started again after this


ACCESS_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(D)sus'


def gunicorn(app: str, host: str, port: int, workers: int, access_log: str | None = None,
             tls: tuple[Path, Path] | None = None) -> list[str]:
    scratch = "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp"  # heartbeat files off the disk
    command = [
        sys.executable, "-m", "gunicorn", app, "--bind", f"{host}:{port}", "--workers", str(workers),
        "--worker-class", "gthread", "--threads", str(THREADS), "--timeout", "30", "--graceful-timeout", "10",
        "--keep-alive", "30", "--log-level", "warning", "--worker-tmp-dir", scratch,
    ]
    if access_log:
        command += ["--access-logfile", access_log, "--access-logformat", ACCESS_FORMAT]
    if tls:
        command += ["--certfile", str(tls[0]), "--keyfile", str(tls[1])]
    return command


def lan_address() -> str:
    """This machine's address on the network (no packet is sent), for the printed link."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def prepare(settings: Settings, demo: bool) -> str:
    """Migrate, sync the catalogue, make the demo accounts; what to print about it."""
    upgrade_database(settings.database_url)
    with session_factory(make_engine(settings.database_url))() as session:
        report = sync_catalog(session, settings.exercises, version_store(settings.instance))
        made, existing = ensure_demo_accounts(session) if demo else ([], [])
        session.commit()
    lines = [f"Catalogue: {report.valid} exercises ready, {report.invalid} with problems "
             f"({settings.exercises})."]
    if report.drafts:
        lines.append(f"{report.drafts} exercises are drafts that learners do not see yet: publish them on "
                     "the Catalogue page, or with `grader exercises publish --all`.")
    if demo:
        lines.append(announcement(made, existing))
    return "\n".join(lines)


@click.command()
@click.option("--demo", is_flag=True, help="Make a demo instructor and learner (passwords printed once).")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--preview-port", default=None, type=int, help="Port of the preview origin [default: 8001].")
@click.option("--web-workers", default=None, type=int, help="gunicorn processes for the site.")
@click.option("--no-worker", is_flag=True, help="Do not start a grading worker here.")
@click.option("--access-log", default=None, help="Log every request of the site to this file.")
@click.pass_obj
def serve(settings: Settings, demo: bool, host: str, port: int, preview_port: int | None,
          web_workers: int | None, no_worker: bool, access_log: str | None) -> None:
    """Run the classroom site (and, by default, a grading worker) until Ctrl+C."""
    if preview_port is not None:
        os.environ["GRADER_PREVIEW_PORT"] = str(preview_port)  # for the processes started below
        settings = settings.but(preview_port=preview_port)
    click.echo(prepare(settings, demo))
    workers = web_workers or min(8, 2 * (os.cpu_count() or 1) + 1)
    tls = (settings.tls_cert, settings.tls_key) if settings.tls_cert and settings.tls_key else None
    for path in tls or ():
        if not path.is_file():
            raise click.ClickException(f"{path}: no such file (GRADER_TLS_CERT, GRADER_TLS_KEY: make them "
                                       "with `grader tls`)")
    site = {
        "site": gunicorn("web:create_app()", host, port, workers, access_log, tls),
        "preview": gunicorn("web.preview:create_preview_app()", host, settings.preview_port, 2, tls=tls),
    }
    worker = None if no_worker else [sys.executable, "-m", "cli", "worker"]
    shown = lan_address() if host in ("0.0.0.0", "::") else host
    scheme = "https" if tls else "http"
    click.echo(f"The site is at {scheme}://{shown}:{port}/ (learners' pages are shown from port "
               f"{settings.preview_port}). Stop it with Ctrl+C.")
    sys.stdout.flush()  # before the children write to the same output
    sys.exit(supervise(site, worker))


def supervise(site: dict[str, list[str]], worker: list[str] | None) -> int:
    """Run the site's processes until one stops or we are told to stop; keep the worker running."""
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    running = {name: subprocess.Popen(command) for name, command in site.items()}
    grading = subprocess.Popen(worker) if worker else None
    restart_at = 0.0
    code = 0
    try:
        while not stopping:
            time.sleep(0.5)
            ended = [name for name, process in running.items() if process.poll() is not None]
            if ended:
                click.echo(f"The {ended[0]} process stopped (exit {running[ended[0]].returncode}).", err=True)
                code = 1
                break
            if grading is not None and grading.poll() is not None:
                if not restart_at:
                    click.echo(f"The grading worker stopped (exit {grading.returncode}); starting it again "
                               f"in {WORKER_RESTART_S} s. Submissions wait in the queue meanwhile.", err=True)
                    restart_at = time.monotonic() + WORKER_RESTART_S
                elif time.monotonic() >= restart_at and worker:
                    grading, restart_at = subprocess.Popen(worker), 0.0
    finally:
        children = [*running.values(), *([grading] if grading else [])]
        for process in children:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for process in children:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
    return code
