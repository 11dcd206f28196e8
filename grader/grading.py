"""Grading one submission: intake, one sandbox run for every check that needs one, judging on the
host, and the result (format 1). `grade_submission` is what the CLI and the worker call."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, fields, replace

from grader import __version__
from grader.browser.references import References, ReferenceStore
from grader.checks.base import CheckSpec, GradingContext, StepOutput
from grader.exercise import Exercise
from grader.frames import ForgedFrames, RunEnding, parse_frames
from grader.intake import check_submission
from grader.plan import GradingPlan, build_plan
from grader.result import CheckResult, Provenance, Result
from grader.runner import SandboxRunner
from sandbox import RunLimits, SandboxError

log = logging.getLogger(__name__)
SEED_RANGE = 2**31
OUTPUT_FIELDS = frozenset(field.name for field in fields(StepOutput))


class GradingError(Exception):
    """Grading could not be done; not the learner's fault (engine, image, harness)."""


def grade_submission(
    exercise: Exercise,
    submission: Mapping[str, bytes],
    runner: SandboxRunner,
    references: ReferenceStore | None = None,
    seed: int | None = None,
    every_entry: bool = False,
) -> Result:
    """Grade `submission` (learner path -> bytes) against `exercise`. The runner's sandbox is
    opened only if a check needs it (html and written css are judged on the host). Checks that show
    or compare with the reference solution's pictures get them from `references` (default: the
    runner's store), made there by grading the solution once per exercise version; so are the
    reference solution's outputs that checks expect on the same inputs.

    `seed` picks the cases of generated checks (default: a new random one, recorded in the result);
    `every_entry` tries every case of their pools instead (`grader validate`).

    Raises:
        SubmissionRejected: a file is not acceptable (nothing ran).
    Never raises for the engine or image: that is a result with status `error`.
    """
    started = time.monotonic()
    files = check_submission(exercise.files, submission)
    generated = any(check.generates() for check in exercise.checks)
    if seed is None:
        seed = secrets.randbelow(SEED_RANGE)
    ctx = GradingContext(exercise=exercise, submission=files, seed=seed, every_entry=every_entry)
    image_id = ""
    try:
        outputs, image_id = _run_steps(ctx, runner)
        if outputs:
            ctx = replace(ctx, references=_reference_pictures(exercise, runner, references))
        if any(check.needs_solution() for check in exercise.checks):
            ctx = replace(ctx, solution=_solution_outputs(exercise, runner, references))
        checks = tuple(_judge(check, ctx, outputs) for check in exercise.checks)
    except (SandboxError, GradingError) as error:
        log.warning("could not grade %s: %s", exercise.key, error)
        return Result(
            exercise=exercise.key,
            status="error",
            score=0.0,
            max_score=_max_score(exercise),
            duration_s=round(time.monotonic() - started, 3),
            message=str(error),
            provenance=Provenance(exercise.sha256, image_id, __version__),
        )
    score = round(sum(check.score for check in checks), 4)
    maximum = _max_score(exercise)
    return Result(
        exercise=exercise.key,
        status="pass" if score >= maximum - 1e-9 else "fail",
        score=score,
        max_score=maximum,
        duration_s=round(time.monotonic() - started, 3),
        checks=checks,
        provenance=Provenance(exercise.sha256, image_id, __version__),
        seed=seed if generated and not every_entry else None,
    )


def _judge(check: CheckSpec, ctx: GradingContext, outputs: Mapping[str, StepOutput]) -> CheckResult:
    try:
        return check.judge(ctx, outputs)
    except Exception as error:  # a bug of ours must read as "could not grade", never as a learner's fail
        log.exception("check %s of %s failed to judge", check.id, ctx.exercise.key)
        reason = f"{type(error).__name__}: {error}"
        raise GradingError(f"check {check.id} could not be judged: {reason}") from error


def _reference_pictures(
    exercise: Exercise, runner: SandboxRunner, store: ReferenceStore | None
) -> References | None:
    """The reference solution's pictures for the checks that show or judge with them: stored ones, or
    made now by running those checks on the solution (in a container of its own) and stored (when
    there is a store: without one they are made for this grading only).

    Raises:
        GradingError: they could not be made and a check needs them to judge.
    """
    wanting = tuple(check for check in exercise.checks if check.reference_pictures() != "none")
    if not wanting:
        return None
    store = store or runner.references
    stored = store.load(exercise.sha256) if store is not None else None
    if stored is not None:
        return stored
    try:
        solution = check_submission(exercise.files, exercise.read_solution())
        only = exercise.model_copy(update={"checks": wanting})
        ctx = GradingContext(exercise=only, submission=solution)
        outputs, _ = _run_steps(ctx, runner)
        made = {check.id or check.kind: check.judge(ctx, outputs).images for check in wanting}
    except Exception as error:  # the engine, a broken solution, or a bug of ours: never the learner's
        if any(check.reference_pictures() == "judged" for check in wanting):
            raise GradingError(f"the model solution's pictures could not be made: {error}") from error
        log.warning("no reference pictures for %s: %s", exercise.key, error)
        return None
    if store is not None:
        store.save(exercise.sha256, made)
    return made


def _solution_outputs(
    exercise: Exercise, runner: SandboxRunner, store: ReferenceStore | None
) -> dict[str, StepOutput]:
    """The reference solution's outputs on every input of the checks that expect them (all their
    cases and whole pools), by step id: kept per exercise version, or made now in a container of the
    solution's own.

    Raises:
        GradingError: they could not be made.
    """
    store = store or runner.references
    kept = store.load_outputs(exercise.sha256) if store is not None else None
    if kept is not None:
        return {key: StepOutput(**{name: value for name, value in item.items() if name in OUTPUT_FIELDS})
                for key, item in kept.items()}
    wanting = tuple(check for check in exercise.checks if check.needs_solution())
    try:
        solution = check_submission(exercise.files, exercise.read_solution())
        only = exercise.model_copy(update={"checks": wanting})
        ctx = GradingContext(exercise=only, submission=solution, every_entry=True)
        outputs, _ = _run_steps(ctx, runner)
    except Exception as error:  # the engine or a broken solution: never the learner's doing
        raise GradingError(f"the reference solution's outputs could not be made: {error}") from error
    failed = [key for key, output in outputs.items() if output.status != "ok"]
    if failed:
        raise GradingError(f"the reference solution did not finish on {', '.join(sorted(failed)[:3])}")
    if store is not None:
        store.save_outputs(exercise.sha256, {key: asdict(output) for key, output in outputs.items()})
    return outputs


def _max_score(exercise: Exercise) -> float:
    return float(sum(check.points for check in exercise.checks))


def _run_steps(ctx: GradingContext, runner: SandboxRunner) -> tuple[dict[str, StepOutput], str]:
    plan = build_plan(ctx, runner.settings.limits)
    if not plan.steps:
        return {}, ""
    sandbox, image = runner.get()
    result = sandbox.run(plan.run_spec(image))
    ending = RunEnding(timed_out=result.timed_out, oom_killed=result.oom_killed)
    try:
        frames = parse_frames(result.stdout_text(), plan.nonce, plan.steps, ending)
    except ForgedFrames as error:
        forged = f"forged report: {error}"
        return {step.id: StepOutput(id=step.id, status="lost", stderr=forged) for step in plan.steps}, image
    if not frames.started and not (result.timed_out or result.oom_killed):
        raise GradingError(f"the grading harness did not start: {result.stderr_text()[-500:]}")
    internal = [o for o in frames.outputs.values() if o.status == "internal"]
    if internal:
        raise GradingError(f"the grading harness failed: {internal[0].stderr[:500]}")
    return {step_id: _named_after(output, plan.titles) for step_id, output in frames.outputs.items()}, image


def _named_after(output: StepOutput, titles: Mapping[str, str]) -> StepOutput:
    """A step not run names the check whose run of the same program ran out of time, by its title."""
    if output.status != "not_run":
        return output
    return replace(output, after=titles.get(output.after, "an earlier check"))



def _solution_plan(exercise: Exercise, limits: RunLimits) -> GradingPlan | None:
    """The plan of grading the model solution; None when it cannot be made (its grading reports why)."""
    try:
        return build_plan(GradingContext(exercise, exercise.read_solution()), limits)
    except Exception as error:  # a broken exercise must not hold up the others
        log.warning("no grading plan for %s: %s", exercise.key, error)
        return None


def judged_on_host(exercise: Exercise, limits: RunLimits) -> bool:
    """Whether grading `exercise` needs no container at all (html, css in `mode: written`): no step in
    its model solution's plan, no check that compares with the solution's outputs or pictures. A hint
    for scheduling: a grading that turns out to need a container still gets one."""
    if any(check.needs_solution() or check.reference_pictures() != "none" for check in exercise.checks):
        return False
    plan = _solution_plan(exercise, limits)
    return plan is not None and not plan.steps


def prewarm_for(exercises: Iterable[Exercise], runner: SandboxRunner) -> int:
    """Keep ready containers of every kind these exercises' gradings run in (a browser started ahead
    of need included), so that a class's first submissions to an exercise never wait for one to start.
    Returns how many kinds (a plan the model solution cannot make is left out: its grading reports it).

    Raises:
        SandboxUnavailable: the engine is down or the runner image is not current.
    """
    needs = set()
    for exercise in exercises:
        plan = _solution_plan(exercise, runner.settings.limits)
        if plan is not None and plan.steps:
            needs.add((replace(plan.limits, wall_s=1.0, output_bytes=1024), plan.prelaunch, plan.warm))
    sandbox, image = runner.get()
    for limits, prelaunch, warm in needs:
        sandbox.prewarm(image, limits, prelaunch, warm)
    return len(needs)
