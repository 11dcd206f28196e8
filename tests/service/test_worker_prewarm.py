"""A worker starts ready containers for every kind of grading its curriculum needs, before the first
submission: a class's first burst at a browser exercise finds its browsers started."""

from __future__ import annotations

from pathlib import Path

from sandbox.engine import engine_client
from tests.helpers.data import DATA
from tests.helpers.service import WorkerProcess, sandbox_containers_of, service_env, wait_until


def test_ready_containers_with_a_browser_start_before_any_submission(
    tmp_path: Path, runner_image: str
) -> None:
    env = service_env(tmp_path, f"sqlite:///{tmp_path / 'grader.db'}", f"sqlite:///{tmp_path / 'queue.db'}",
                      DATA / "catalogs" / "site")  # greet: io; hello: Flask kept warm; page: a browser
    worker = WorkerProcess(env, tmp_path / "worker.log", slots=1).start()
    try:
        def prelaunched() -> list[str]:
            with engine_client(None, 30) as client:
                return [c for c in sandbox_containers_of([worker.pid])
                        if "--" in (client.inspect_container(c)["Config"]["Cmd"] or [])]

        wait_until(lambda: prelaunched(), 120, f"a ready container with its browser (log {worker.log})", 0.5)
        wait_until(lambda: "ready containers started for 3 kind(s)" in worker.text(), 60, "the log line")
    finally:
        worker.stop()
