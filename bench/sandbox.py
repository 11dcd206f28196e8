"""How long a hardened sandbox run takes, beside the floor of a bare `docker run --rm IMAGE true`.

Usage: .venv/bin/python bench/sandbox.py [--runs 20] [--runtime runc --runtime runsc] [--image TAG]

For each runtime, every round runs each case once (interleaved, so that a busy moment of the host
hits all cases alike) and prints p50/p95 in milliseconds and the ratio to the bare run of the same
program. Warm runs take a container the pool started ahead; the pool is refilled before the next
measurement, so they show the latency when a ready container is available. The bare runs include
the docker CLI's own start (a Go program) and, for the floor, the default bridge network's set-up;
the row with `--network none` shows that part.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file is named like the package it measures: import the package, not this script.
sys.path[:] = [str(ROOT)] + [entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"]

from docker import APIClient  # noqa: E402

from grader.runner_image import runner_plan  # noqa: E402
from sandbox import RunLimits, RunSpec, Sandbox, SandboxSettings  # noqa: E402
from sandbox.engine import engine_client  # noqa: E402
from sandbox.images import build_runner_image, image_status  # noqa: E402
from sandbox.reaper import owner_label  # noqa: E402
from sandbox.settings import LABEL, OWNER_LABEL  # noqa: E402

TARGET_RATIO = 1.2
PROGRAMS = {"true": ["true"], "python": ["python3", "-c", "print(sum(range(1000)))"]}
EXPECTED = {"true": b"", "python": b"499500\n"}
LIMITS = RunLimits(wall_s=30)
POOL_SIZE = 2


@dataclass
class Case:
    name: str
    program: str
    run: Callable[[], None]
    floor: bool = False
    samples: list[float] = field(default_factory=list)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def bare_run(
    image: str, runtime: str, command: list[str], expected: bytes, *options: str
) -> Callable[[], None]:
    argv = ["docker", "run", "--rm", "--runtime", runtime, *options, image, *command]

    def run() -> None:
        done = subprocess.run(argv, capture_output=True, check=True)
        assert done.stdout == expected, done

    return run


def hardened_run(sandbox: Sandbox, image: str, command: list[str], expected: bytes) -> Callable[[], None]:
    spec = RunSpec(image, command, limits=LIMITS)

    def run() -> None:
        result = sandbox.run(spec)
        assert result.ok and result.stdout == expected, result

    return run


def wait_for_ready(client: APIClient, count: int, timeout_s: float = 30.0) -> None:
    """Wait until this process has `count` running sandbox containers: the pool's ready ones."""
    mine = {"label": [LABEL, f"{OWNER_LABEL}={owner_label()}"], "status": "running"}
    deadline = time.monotonic() + timeout_s
    while len(client.containers(filters=mine)) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"the pool did not start {count} containers within {timeout_s:.0f} s")
        time.sleep(0.02)


def bench_runtime(client: APIClient, image: str, runtime: str, runs: int) -> list[Case]:
    cold = Sandbox(SandboxSettings(runtime=runtime))
    warm = Sandbox(SandboxSettings(runtime=runtime, pool_size=POOL_SIZE))
    warm.prewarm(image, LIMITS)
    try:
        cases = []
        for program, command in PROGRAMS.items():
            expected = EXPECTED[program]
            cases += [
                Case(f"bare docker run --rm {program}", program, bare_run(image, runtime, command, expected),
                     floor=True),
                Case(f"hardened {program}, cold", program, hardened_run(cold, image, command, expected)),
                Case(f"hardened {program}, warm (pool {POOL_SIZE})", program,
                     hardened_run(warm, image, command, expected)),
            ]
        # The floor above sets up a bridge network; this one shows what that costs.
        cases.insert(1, Case("bare ... --network none true", "true",
                             bare_run(image, runtime, ["true"], b"", "--network", "none")))
        for case in cases:  # one unmeasured round: caches, connections, the pool
            wait_for_ready(client, POOL_SIZE)
            case.run()
        for _ in range(runs):
            for case in cases:
                wait_for_ready(client, POOL_SIZE)
                began = time.perf_counter()
                case.run()
                case.samples.append(time.perf_counter() - began)
        return cases
    finally:
        warm.close()
        cold.close()


def report(runtime: str, cases: list[Case]) -> bool:
    """Print one table; True when every cold hardened case is within TARGET_RATIO of its floor."""
    floors = {case.program: percentile(case.samples, 0.5) for case in cases if case.floor}
    print(f"\n{runtime}: {len(cases[0].samples)} runs per case")
    print(f"  {'case':<34} {'p50 ms':>8} {'p95 ms':>8} {'p50 / bare':>11}")
    within = True
    for case in cases:
        p50, p95 = percentile(case.samples, 0.5), percentile(case.samples, 0.95)
        ratio = p50 / floors[case.program]
        note = ""
        if case.name.endswith("cold"):
            ok = ratio <= TARGET_RATIO
            within &= ok
            note = f"  {'within' if ok else 'OVER'} {TARGET_RATIO}x"
        print(f"  {case.name:<34} {p50 * 1000:8.0f} {p95 * 1000:8.0f} {ratio:10.2f}x{note}")
    return within


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="measured runs per case (default 20)")
    parser.add_argument("--runtime", action="append", choices=["runc", "runsc"],
                        help="runtime to measure; repeat for both (default: runc and runsc)")
    parser.add_argument("--image", help="runner image tag (default: the current one, built if missing)")
    args = parser.parse_args()
    with engine_client(None, 120) as client:
        image = args.image
        if image is None:
            plan = runner_plan()
            if image_status(client, plan) != "current":
                build_runner_image(client, plan, progress=print)
            image = plan.tag
        print(f"image {image}; target: a cold hardened run within {TARGET_RATIO}x of a bare "
              "`docker run --rm`")
        within = True
        for runtime in args.runtime or ["runc", "runsc"]:
            within &= report(runtime, bench_runtime(client, image, runtime, args.runs))
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
