"""`grader doctor`: the sandbox's promises checked on this host, plus the runner image's state."""

from __future__ import annotations

from dataclasses import replace

from grader.config import GradingSettings
from grader.runner_image import runner_plan
from sandbox import Sandbox, SandboxError
from sandbox.doctor import DoctorRow, examine
from sandbox.images import image_status


def run_doctor(config: GradingSettings, runtime: str | None = None) -> list[DoctorRow]:
    settings = replace(config.sandbox, runtime=runtime) if runtime else config.sandbox
    try:
        sandbox = Sandbox(replace(settings, pool_size=0))
    except SandboxError as error:
        return [DoctorRow("engine reachable", False, str(error))]
    rows = [DoctorRow("engine reachable", True, settings.docker_url or "local socket")]
    plan = runner_plan()
    state = image_status(sandbox.client, plan)
    rows.append(DoctorRow("runner image current", state == "current", f"{plan.tag}: {state}"))
    if state == "missing":
        return rows
    try:
        rows += examine(sandbox, plan.tag if state == "current" else plan.current_tag)
    except SandboxError as error:
        rows.append(DoctorRow("probe ran", False, str(error)))
    finally:
        sandbox.close()
    return rows
