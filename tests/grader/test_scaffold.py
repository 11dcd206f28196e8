"""`grader new` (grader/scaffold.py): every kind of exercise it makes is sound as written, graded for
real; it never overwrites; it lists the exercise in its track without losing the track's comments."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli import main
from grader.catalog import scan_catalog
from grader.exercise import load_exercise
from grader.runner import SandboxRunner
from grader.scaffold import KINDS, ScaffoldError, module_name, new_exercise, title_of
from grader.validate import validate_exercise


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "exercises"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_loads_with_everything_an_exercise_has(root: Path, kind: str) -> None:
    made = new_exercise(root, f"demo/02-first-{kind}", kind, title="First: a \"quoted\" title")  # type: ignore[arg-type]
    exercise = load_exercise(made.folder, root)
    assert exercise.title == 'First: a "quoted" title'
    assert exercise.key == f"demo/02-first-{kind}"
    assert exercise.read_starter() and exercise.read_solution()
    assert len(exercise.right_submissions()) == 1 and len(exercise.wrong_submissions()) == 1
    (expectation,) = exercise.wrong_expectations.values()
    assert expectation.why and {f.check for f in expectation.fails} <= {check.id for check in exercise.checks}
    assert len({check.kind for check in exercise.checks}) >= (1 if kind in ("io", "flask") else 2)
    assert any(check.hidden or any(getattr(row, "hidden", False) for row in getattr(check, "calls", ()))
               for check in exercise.checks) or kind == "page"
    text = (made.folder / "exercise.yaml").read_text()
    assert text.count("\n#") + text.count("  #") >= 5, "the checks are explained in comments"
    assert "@@" not in text and not any("@@" in name for name in made.files)
    assert scan_catalog(root).problems == {}


@pytest.mark.docker
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_sound_as_written(root: Path, kind: str, grading_runner: SandboxRunner) -> None:
    """The solution and the right submission earn full marks, the starter and the wrong one less, the
    wrong one failing the checks its expect.yaml names, and each verdict twice the same."""
    made = new_exercise(root, f"demo/{kind}-exercise", kind)  # type: ignore[arg-type]
    verdict = validate_exercise(load_exercise(made.folder, root), grading_runner)
    assert verdict.ok, verdict.problems
    assert verdict.runs == 8


def test_file_names_are_made_from_the_slug() -> None:
    assert module_name("02-big-numbers", ".py") == "big_numbers"
    assert module_name("03-random", ".py") == "random_exercise"  # never a module Python has
    assert module_name("01-conftest", ".py") == "conftest_exercise"
    assert module_name("07-class", ".py") == "class_exercise"  # never a keyword
    assert module_name("42", ".js") == "exercise"
    assert title_of("02-big-numbers") == "Big numbers"


@pytest.mark.parametrize("key", ["demo", "demo/", "/x", "de mo/ex", "demo/ex/more", "demo/../x", "demo/é"])
def test_a_bad_key_is_refused(root: Path, key: str) -> None:
    with pytest.raises(ScaffoldError):
        new_exercise(root, key, "io")
    assert list(root.iterdir()) == []


def test_nothing_is_ever_overwritten(root: Path) -> None:
    made = new_exercise(root, "demo/hello", "io")
    (made.folder / "instructions.md").write_text("mine\n")
    with pytest.raises(ScaffoldError, match="exists already"):
        new_exercise(root, "demo/hello", "pytest")
    assert (made.folder / "instructions.md").read_text() == "mine\n"


def test_the_exercise_is_listed_in_its_track_keeping_comments(root: Path) -> None:
    (root / "catalog.yaml").write_text("# the tracks, in teaching order\ntracks: [html]\n")
    (root / "html").mkdir()
    (root / "html" / "track.yaml").write_text(
        "title: HTML  # pages\norder:\n  - first   # the first one\n  - second\n\n# the end\n")
    for slug in ("first", "second"):
        (root / "html" / slug).mkdir()
    new_exercise(root, "html/third", "page")
    track = (root / "html" / "track.yaml").read_text()
    assert "# the first one" in track and "# the end" in track
    assert yaml.safe_load(track)["order"] == ["first", "second", "third"]
    made = new_exercise(root, "python/first", "io")
    assert (root / "python" / "track.yaml") in made.changed and (root / "catalog.yaml") in made.changed
    catalog = (root / "catalog.yaml").read_text()
    assert catalog.startswith("# the tracks") and yaml.safe_load(catalog)["tracks"] == ["html", "python"]
    new_exercise(root, "python/second", "pytest")
    assert yaml.safe_load((root / "python" / "track.yaml").read_text())["order"] == ["first", "second"]


def test_the_command_makes_it_and_says_what_to_do_next(root: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADER_INSTANCE", str(tmp_path / "instance"))
    runner = CliRunner()
    done = runner.invoke(main, ["new", "python/01-hello", "--kind", "io", "--into", str(root)])
    assert done.exit_code == 0, done.output
    assert "solution/hello.py" in done.output and "grader validate --watch" in done.output
    again = runner.invoke(main, ["new", "python/01-hello", "--kind", "io", "--into", str(root)])
    assert again.exit_code == 1 and "exists already" in again.output
    wrong = runner.invoke(main, ["new", "python/02-x", "--kind", "ruby", "--into", str(root)])
    assert wrong.exit_code == 2 and "ruby" in wrong.output
