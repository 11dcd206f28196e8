"""grader/harness/node_bridge.js and learner_node.js: test files run against learner code in another
process, through the Node grading boundary, on this machine's node and in the runner image (Node 18)
under runc and runsc.

Each case is a folder of tests/data/node_bridge/ (`work/`: the learner's files, `root/`: the test
root; `case.json` may name the learner's files and a fake learner server), plus the shipped
JavaScript exercises' tests against their solution and their starter. A test whose name starts
with "ok:" must pass and one starting with "fails:" must fail; the checks below add what else must
hold. All runs of one place happen in one batch (node_pairs.py), then each is asserted on its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from grader.exercise import load_exercise
from grader.runner_image import HARNESS
from sandbox import RunLimits, RunSpec, Sandbox, SandboxSettings, SandboxUnavailable
from tests.helpers.machine import unavailable

ROOT = Path(__file__).resolve().parents[3]
CASES = ROOT / "tests" / "data" / "node_bridge"
DRIVER = Path(__file__).resolve().parent / "node_pairs.py"
JAVASCRIPT = ROOT / "exercises" / "javascript"
SHIPPED = sorted(path.name for path in JAVASCRIPT.glob("0[1-5]*") if (path / "exercise.yaml").exists())
UNREADABLE = "Your code gave back something the tests could not read"

Run = dict[str, Any]
RunId = tuple[str, str]


def case_files() -> dict[str, dict[str, bytes]]:
    """Every case as files under `work/` and `root/`, with its config as `case.json`."""
    cases: dict[str, dict[str, bytes]] = {}
    for folder in sorted(path for path in CASES.iterdir() if path.is_dir()):
        cases[folder.name] = {
            str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()
        }
    for slug in SHIPPED:
        exercise = load_exercise(JAVASCRIPT / slug)
        tests = {path for check in exercise.checks for path in check.support_files()}
        for side in ("solution", "starter"):
            files = {f"root/{path}": (exercise.folder / path).read_bytes() for path in tests}
            source = exercise.folder / side
            files.update({f"work/{name}": (source / name).read_bytes() for name in exercise.files})
            files["case.json"] = json.dumps({"files": list(exercise.files)}).encode()
            cases[f"{slug}-{side}"] = files
    return cases


def batch(base: str) -> dict[str, Any]:
    """The driver's input: every case, its folders under `base`."""
    configs = []
    for name, files in CASES_FILES.items():
        config = json.loads(files.get("case.json", b"{}"))
        work = sorted(path.removeprefix("work/") for path in files if path.startswith("work/"))
        configs.append({
            "name": name, "work": f"{base}/{name}/work", "root": f"{base}/{name}/root",
            "files": config.get("files") or work, "learner": config.get("learner"),
        })
    return {"cases": configs}


def index(runs: list[Run]) -> dict[RunId, Run]:
    return {(run["case"], run["test"].removeprefix("tests/")): run for run in runs}


CASES_FILES = case_files()
RUN_IDS = [
    (name, path.removeprefix("root/tests/"))
    for name, files in CASES_FILES.items()
    for path in sorted(files)
    if path.startswith("root/tests/") and path.endswith(".test.js")
]


def run_on_host(tmp: Path) -> dict[RunId, Run]:
    for name, files in CASES_FILES.items():
        for path, data in files.items():
            (tmp / name / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name / path).write_bytes(data)
    done = subprocess.run(
        [sys.executable, str(DRIVER), str(HARNESS)], input=json.dumps(batch(str(tmp))).encode(),
        capture_output=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return index(json.loads(done.stdout))


def run_in_image(runtime: str, image: str) -> dict[RunId, Run]:
    """One hardened container runs every case, as the sandbox user, with the image's /opt/harness."""
    files = {"node_pairs.py": DRIVER.read_bytes()}
    for name, case in CASES_FILES.items():
        files.update({f"cases/{name}/{path}": data for path, data in case.items()})
    limits = RunLimits(wall_s=300, memory_mb=512, output_bytes=16 * 1024 * 1024, tmpfs_inodes=8192)
    spec = RunSpec(
        image=image, command=("python3", "/work/node_pairs.py", "/opt/harness"), files=files,
        stdin=json.dumps(batch("/work/cases")).encode(), limits=limits,
    )
    try:
        box = Sandbox(SandboxSettings(runtime=runtime))
    except SandboxUnavailable as error:
        unavailable(str(error))
    try:
        result = box.run(spec)
    finally:
        box.close()
    assert result.exit_code == 0, result.stderr_text()[-3000:]
    return index(json.loads(result.stdout))


@pytest.fixture(
    scope="module",
    params=[
        "host",
        pytest.param("runc", marks=pytest.mark.docker),
        pytest.param("runsc", marks=[pytest.mark.docker, pytest.mark.runsc]),
    ],
)
def runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[RunId, Run]:
    if request.param == "host":
        return run_on_host(tmp_path_factory.mktemp("node-bridge"))
    return run_in_image(request.param, request.getfixturevalue("runner_image"))


# --- what must hold of particular runs ---------------------------------------------------------------


def leaves_of(run: Run) -> dict[str, Run]:
    return {e["name"]: e for e in run["events"] if e.get("event") == "test" and e.get("scope") == "test"}


def suites_of(run: Run) -> list[Run]:
    return [e for e in run["events"] if e.get("event") == "test" and e.get("scope") in ("suite", "file")]


def finished(run: Run) -> bool:
    return any(e.get("event") == "plan" and e.get("nesting") == 0 for e in run["events"])


def load_error(run: Run) -> Run:
    (event,) = [e for e in run["events"] if e.get("event") == "load-error"]
    assert not finished(run)
    return event


def message(run: Run, test: str) -> str:
    return str(leaves_of(run)[test]["message"])


def exit_mid_call(run: Run) -> None:
    stopped = "Your code ended the program with process.exit(3) while the tests were using it."
    assert message(run, "fails: the call that exits") == stopped
    assert message(run, "fails: a call after the exit") == stopped
    assert run["learner_exit"] == 3


def crash_later(run: Run) -> None:
    assert message(run, "fails: a call after the crash").startswith(
        "Your code stopped with TypeError: Cannot read properties of null (reading 'boom'), in code that ran"
    )
    assert run["learner_exit"] == 70


def exit_at_load(run: Run) -> None:
    event = load_error(run)
    assert (event["origin"], event["why"]) == ("learner", "ended")
    assert "process.exit(0)" in event["message"]


def throw_at_load(run: Run) -> None:
    event = load_error(run)
    assert (event["origin"], event["why"], event["error"]) == ("learner", "threw", "ReferenceError")
    assert event["message"] == "settings is not defined"
    assert "broken.js:1" in event["stack"]


def unreadable(run: Run) -> None:
    assert message(run, "fails: the answer is unreadable").startswith(UNREADABLE)
    assert run["exit"] == 1 and run["learner_exit"] is not None


def broken_by_writes(run: Run) -> None:
    assert message(run, "fails: the learner's writes break the call").startswith(UNREADABLE)
    assert message(run, "fails: and every call after it").startswith(UNREADABLE)


def nothing_forged(run: Run) -> None:
    assert "forged" not in json.dumps(run["events"])


def outside(scope: str, failure: str, origin: str, why: str = "") -> Callable[[Run], None]:
    def check(run: Run) -> None:
        failed = [e for e in suites_of(run) if e["outcome"] == "failed" and e["failure"] != "subtestsFailed"]
        (event,) = failed
        assert (event["scope"], event["failure"]) == (scope, failure)
        assert (event["origin"], event["why"]) == (origin, why)
        assert run["exit"] == 1

    return check


def load_failed(error: str, origin: str) -> Callable[[Run], None]:
    def check(run: Run) -> None:
        event = load_error(run)
        assert (event["error"], event["origin"], event["why"]) == (error, origin, "")

    return check


def describe_body_learner(run: Run) -> None:
    outside("suite", "testCodeFailure", "learner", "threw")(run)
    (event,) = suites_of(run)
    assert event["error"] == "TypeError" and "stack.js:6" in event["stack"]


def too_deep(run: Run) -> None:
    assert message(run, "fails: a value nested deeper than the codec carries") == (
        "This value cannot cross between your code and the tests: nested more than 1000 levels deep."
    )


BREAKING_WRITES = ("garbage", "huge", "forgedAnswer")
EXPECTED: dict[RunId, Callable[[Run], None]] = {
    ("exits", "exit-mid-call.test.js"): exit_mid_call,
    ("exits", "crash-later.test.js"): crash_later,
    ("exit-at-load", "leaves.test.js"): exit_at_load,
    ("throw-at-load", "broken.test.js"): throw_at_load,
    **{("malformed", test): unreadable for case, test in RUN_IDS if case == "malformed"},
    ("malformed", "prototype-pollution.test.js"): lambda run: None,
    **{("socket-writes", f"{name}.test.js"): broken_by_writes for name in BREAKING_WRITES},
    ("socket-writes", "parent.test.js"): nothing_forged,
    ("patching", "patching.test.js"): nothing_forged,
    ("outside", "after-hook.test.js"): outside("suite", "hookFailed", "tests"),
    ("outside", "file-hook.test.js"): outside("file", "hookFailed", "tests"),
    ("values", "values.test.js"): too_deep,
    ("outside", "describe-body-tests.test.js"): outside("suite", "testCodeFailure", "tests"),
    ("outside", "describe-body-learner.test.js"): describe_body_learner,
    ("outside", "missing-helper.test.js"): load_failed("Error", "tests"),
    ("outside", "syntax-error.test.js"): load_failed("SyntaxError", "tests"),
}
DO_NOT_FINISH = {key for key, check in EXPECTED.items() if check in (exit_at_load, throw_at_load)} | {
    ("outside", "missing-helper.test.js"), ("outside", "syntax-error.test.js"),
}


@pytest.mark.parametrize(("case", "test"), RUN_IDS, ids=[f"{case}/{test}" for case, test in RUN_IDS])
def test_a_test_file_through_the_boundary(runs: dict[RunId, Run], case: str, test: str) -> None:
    run = runs[(case, test)]
    context = f"{case}/{test}: {json.dumps(run, indent=1)[:6000]}"
    assert not run["timed_out"], context
    assert all(e.get("event") != "unparsed" for e in run["events"]), context
    assert finished(run) != ((case, test) in DO_NOT_FINISH), context
    for name, event in leaves_of(run).items():
        expected = "passed" if name.startswith("ok:") else "failed" if name.startswith("fails:") else None
        if case.endswith("-solution"):
            expected = "passed"
        assert expected is None or event["outcome"] == expected, f"{name}: {context}"
    if case.endswith("-starter"):
        assert any(e["outcome"] == "failed" for e in leaves_of(run).values()), context
    if case.endswith(("-solution", "-starter")):
        assert not [e for e in suites_of(run) if e.get("failure", "") not in ("subtestsFailed", "")], context
    check = EXPECTED.get((case, test))
    if check is not None:
        try:
            check(run)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{context}") from error


def test_every_shipped_test_file_is_run() -> None:
    for slug in SHIPPED:
        for side in ("solution", "starter"):
            files = [test for case, test in RUN_IDS if case == f"{slug}-{side}"]
            assert files and len(files) == len(list((JAVASCRIPT / slug / "tests").glob("*.test.js")))


def test_the_shipped_exercises_share_one_helper() -> None:
    helpers = {(JAVASCRIPT / slug / "tests" / "check.js").read_bytes() for slug in SHIPPED}
    assert len(helpers) == 1
    for slug in SHIPPED:
        for check in load_exercise(JAVASCRIPT / slug).checks:
            assert getattr(check, "support", None) == ("tests/check.js",), (slug, check.id)
        for test_file in (JAVASCRIPT / slug / "tests").glob("*.test.js"):
            assert "function show(" not in test_file.read_text(), test_file
