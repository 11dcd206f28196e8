"""Benchmark: the command line, one process each time, as an instructor or a script runs it.

    .venv/bin/python bench/cli.py [--rounds 2]

`grader --help`, then `grader run` on the model solution of every shipped Python exercise (a new
process for each, a container started cold: no pool), `--rounds` times, beside a bare
`docker run --rm --network none IMAGE true` measured in the same loop. Prints the medians against the
targets: `grader --help` <= 0.3 s; `grader run` no slower than one `docker run` of Exercism's Python
test runner on the same exercises (0.75-0.83 s on this machine).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.runner_image import runner_plan  # noqa: E402

GRADER = ROOT / ".venv" / "bin" / "grader"
PYTHON_TRACK = ROOT / "exercises" / "python"
HELP_TARGET_S = 0.3
RUN_TARGET_S = 0.83


def timed(argv: list[str]) -> tuple[float, int]:
    started = time.monotonic()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.monotonic() - started, done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    exercises = sorted(folder for folder in PYTHON_TRACK.iterdir() if (folder / "solution").is_dir())
    image = runner_plan().tag
    helps, runs, bare = [], [], []
    failed = []
    for _ in range(args.rounds):
        helps.append(timed([str(GRADER), "--help"])[0])
        for folder in exercises:
            took, code = timed([str(GRADER), "run", str(folder), str(folder / "solution")])
            runs.append(took)
            if code != 0:
                failed.append(folder.name)
            bare.append(timed(["docker", "run", "--rm", "--network", "none", image, "true"])[0])
    print(f"grader --help: median {statistics.median(helps):.2f} s (target <= {HELP_TARGET_S} s)")
    print(f"grader run, {len(exercises)} Python exercises x {args.rounds}: "
          f"median {statistics.median(runs):.2f} s, best {min(runs):.2f} s "
          f"(target: Exercism's runner, <= {RUN_TARGET_S} s)")
    print(f"a bare docker run, same loop: median {statistics.median(bare):.2f} s")
    if failed:
        print(f"NOT full marks: {', '.join(sorted(set(failed)))}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
