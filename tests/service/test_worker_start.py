"""`grader worker` refuses to grade on a host where `grader doctor` fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.service import ROOT, service_env, write_exercises


def test_the_worker_refuses_to_start_when_the_doctor_fails(tmp_path: Path) -> None:
    env = service_env(tmp_path, f"sqlite:///{tmp_path / 'grader.db'}", f"sqlite:///{tmp_path / 'queue.db'}",
                      write_exercises(tmp_path / "exercises"))
    env["DOCKER_HOST"] = f"unix://{tmp_path / 'no-engine.sock'}"
    done = subprocess.run([sys.executable, "-m", "cli", "worker", "--slots", "1"], env={**os.environ, **env},
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "FAIL engine reachable" in done.stderr
    assert "will not grade" in done.stderr
    assert not (tmp_path / "grader.db").exists(), "nothing was set up before the doctor passed"
