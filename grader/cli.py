"""The grading commands: run, validate, new, images, doctor. They need no database, site or queue; the
`grader` command (cli/) assembles them with the others and hands them the grading settings."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from grader.browser.references import ReferenceStore
from grader.config import CONTEXT_KEY, DOCTOR_CHECKS_KEY, GradingSettings
from grader.errors import ExerciseInvalid
from grader.exercise import load_exercise
from grader.grading import grade_submission
from grader.intake import SubmissionRejected, read_submission_folder
from grader.layout import EXPECT
from grader.report import render
from grader.runner import SandboxRunner
from sandbox import SandboxError

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


def grading_settings() -> GradingSettings:
    """The settings the `grader` command read when it started."""
    settings = click.get_current_context().meta.get(CONTEXT_KEY)
    if not isinstance(settings, GradingSettings):
        raise click.UsageError("the grading commands run under the `grader` command (cli.main)")
    return settings


@click.command()
@click.argument("exercise_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("submission_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result (format 1) as JSON.")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), default=None,
              help="Pick the generated cases with this seed (a result's `seed`: grade the same way again).")
def run(exercise_dir: Path, submission_dir: Path, as_json: bool, seed: int | None) -> None:
    """Grade SUBMISSION_DIR against EXERCISE_DIR. Exit 0: full marks, 1: below, 2: could not grade."""
    config = grading_settings()
    try:
        exercise = load_exercise(exercise_dir)
    except ExerciseInvalid as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_ERROR)
    try:
        files = read_submission_folder(submission_dir, exercise.files, frozenset({EXPECT}))
    except SubmissionRejected as error:
        click.echo("The submission was refused:\n" + "\n".join(f"  {p}" for p in error.problems), err=True)
        sys.exit(EXIT_ERROR)
    runner = SandboxRunner(config.sandbox, ReferenceStore(config.references))
    try:
        result = grade_submission(exercise, files, runner, seed=seed)
    finally:
        runner.close()
    click.echo(json.dumps(result.to_json(), indent=2) if as_json else render(result))
    sys.exit({"pass": EXIT_PASS, "fail": EXIT_FAIL}.get(result.status, EXIT_ERROR))


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--watch", is_flag=True,
              help="Keep watching: validate again each exercise whose files are saved, and say what changed.")
def validate(paths: tuple[Path, ...], watch: bool) -> None:
    """Check every exercise under PATHS (default: the exercises folder). Exit 1 if any fails."""
    from grader.validate import find_exercise_folders, validate_exercise

    config = grading_settings()
    if watch:
        _watch(list(paths or (config.exercises,)), config)
        return
    folders = find_exercise_folders(paths or (config.exercises,))
    if not folders:
        click.echo("No exercise found (an exercise is a folder with an exercise.yaml).", err=True)
        sys.exit(EXIT_FAIL)
    runner = SandboxRunner(config.sandbox, ReferenceStore(config.references))
    failed = 0
    try:
        with click.progressbar(folders, label="Validating", file=sys.stderr, show_pos=True) as bar:
            reports: list[tuple[str, list[str], tuple[str, ...]]] = []
            for folder in bar:
                key = f"{folder.parent.name}/{folder.name}"
                try:
                    verdict = validate_exercise(load_exercise(folder, folder.parent.parent), runner)
                    reports.append((verdict.exercise, list(verdict.problems), verdict.warnings))
                except ExerciseInvalid as error:
                    reports.append((key, [str(e) for e in error.errors], ()))
                except SandboxError as error:
                    reports.append((key, [f"could not grade: {error}"], ()))
    finally:
        runner.close()
    for key, problems, warnings in reports:
        if problems:
            failed += 1
            click.echo(f"FAIL {key}")
            click.echo("".join(f"     {p}\n" for p in problems), nl=False)
        else:
            click.echo(f"ok   {key}")
        click.echo("".join(f"     warning: {w}\n" for w in warnings), nl=False)
    click.echo(f"{len(reports) - failed} of {len(reports)} exercises are sound.")
    sys.exit(EXIT_FAIL if failed else EXIT_PASS)


def _watch(roots: list[Path], config: GradingSettings) -> None:
    """`grader validate --watch`: until Ctrl-C."""
    import threading

    from grader.validate import validate_exercise
    from grader.watch import watch

    runner = SandboxRunner(config.sandbox, ReferenceStore(config.references))

    def check(folder: Path) -> tuple[str, list[str]]:
        key = f"{folder.parent.name}/{folder.name}"
        try:
            exercise = load_exercise(folder, folder.parent.parent)
        except ExerciseInvalid as error:
            return key, [str(mistake) for mistake in error.errors]
        try:
            verdict = validate_exercise(exercise, runner)
        except SandboxError as error:
            return key, [f"could not grade: {error}"]
        return verdict.exercise, list(verdict.problems)

    stop = threading.Event()
    try:
        watch(roots, check, lambda line: click.echo(line), stop)
    except KeyboardInterrupt:
        stop.set()
    finally:
        runner.close()


@click.command("new")
@click.argument("key", metavar="TRACK/SLUG")
@click.option("--kind", type=click.Choice(["io", "pytest", "node", "page", "flask"]), required=True,
              help="io: a program that reads input; pytest: Python functions; node: JavaScript functions; "
                   "page: a web page; flask: a Flask app.")
@click.option("--title", default=None, help="The exercise's title [default: made from SLUG].")
@click.option("--into", "root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The exercises folder [default: GRADER_EXERCISES].")
def new(key: str, kind: str, title: str | None, root: Path | None) -> None:
    """Make the exercise TRACK/SLUG, sound as written, to change into your own."""
    from grader.scaffold import ScaffoldError, new_exercise

    folder = (root or grading_settings().exercises).resolve()
    try:
        made = new_exercise(folder, key, kind, title)  # type: ignore[arg-type]
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Made {made.folder}:")
    for name in made.files:
        click.echo(f"  {name}")
    for changed in made.changed:
        click.echo(f"Listed it in {changed}.")
    click.echo(f"Now change it to make it yours; keep it sound with: grader validate --watch {made.folder}")


@click.group()
def images() -> None:
    """The runner image every submission runs in."""


@images.command("build")
@click.option("--method", type=click.Choice(["auto", "registry", "debootstrap"]), default="auto",
              help="registry: from debian:bookworm-slim; debootstrap: from a Debian mirror, no registry.")
@click.option("--mirror", default=None, help="Debian mirror for debootstrap (also GRADER_DEBIAN_MIRROR).")
def images_build(method: str, mirror: str | None) -> None:
    """Build the runner image if it is not current (does nothing when it is)."""
    from grader.runner_image import runner_plan
    from sandbox.engine import engine_client
    from sandbox.images import build_runner_image

    config = grading_settings()
    try:
        with engine_client(config.sandbox.docker_url, 600) as client:
            info = build_runner_image(
                client, runner_plan(), method=method, mirror=mirror or config.debian_mirror,  # type: ignore[arg-type]
                progress=lambda message: click.echo(f"  {message}", err=True),
            )
    except SandboxError as error:
        click.echo(f"Could not build the runner image: {error}", err=True)
        sys.exit(EXIT_FAIL)
    click.echo(f"{info.tag} {'built' if info.built else 'is current'} ({info.image_id[:19]})")


@click.command()
@click.option("--runtime", type=click.Choice(["runc", "runsc"]), default=None,
              help="Check this runtime instead of the configured one.")
def doctor(runtime: str | None) -> None:
    """Prove on this host that the sandbox holds. Exit 1 if any row fails."""
    from grader.doctor import run_doctor
    from sandbox.doctor import DoctorRow

    config = grading_settings()
    rows = run_doctor(config, runtime)
    for check in click.get_current_context().meta.get(DOCTOR_CHECKS_KEY, ()):
        rows.append(DoctorRow(*check()))
    width = max(len(row.name) for row in rows)
    for row in rows:
        click.echo(f"  {'ok ' if row.ok else 'FAIL'} {row.name:<{width}}  {row.detail}")
    sys.exit(EXIT_PASS if all(row.ok for row in rows) else EXIT_FAIL)

