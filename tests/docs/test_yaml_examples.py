"""Every YAML example of the guides is true: exercises and checks load, excerpts are copied word for
word from the file they name, tracks and catalogues validate. Marks are explained in tests/helpers/docs.py."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from grader.catalog import CatalogYaml, TrackYaml
from grader.checks import check_class
from grader.errors import ExerciseInvalid
from grader.exercise import load_exercise
from tests.helpers.docs import ROOT, Block, blocks, guides

YAML_KINDS = ("exercise", "check", "excerpt", "track", "catalog")
BLOCKS = [block for path in guides() for block in blocks(path)]
YAML_BLOCKS = [block for block in BLOCKS if block.language == "yaml"]


def marked(kind: str) -> list[Block]:
    return [block for block in YAML_BLOCKS if block.marks[:1] == (kind,)]


def ids(found: list[Block]) -> list[str]:
    return [block.where for block in found]


def test_every_yaml_block_says_how_it_is_checked() -> None:
    unmarked = [block.where for block in YAML_BLOCKS if block.marks[:1] not in [(k,) for k in YAML_KINDS]]
    assert not unmarked, f"mark these ```yaml blocks with one of {YAML_KINDS}: {unmarked}"


def test_the_guides_have_examples_of_each_sort() -> None:
    assert len(marked("exercise")) >= 2
    assert len(marked("check")) >= 9
    assert len(marked("excerpt")) >= 3


def _stub(folder: Path, path: str, text: str = "") -> None:
    target = folder / path
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text or f"stub for {path}\n")


def write_exercise(root: Path, key: str, data: Any, text: str) -> Path:
    """An exercise folder `root/key` with `text` as its exercise.yaml and a stub of every file the
    YAML names: each learner file in the starter and the solution, the instructions, each check's files."""
    folder = root / key
    folder.mkdir(parents=True)
    (folder / "exercise.yaml").write_text(text)
    if not isinstance(data, dict):
        return folder
    files = [path for path in data.get("files") or [] if isinstance(path, str)]
    for side in (data.get("starter", "starter/"), data.get("solution", "solution/")):
        for path in files:
            _stub(folder, f"{str(side).rstrip('/')}/{path}")
    instructions = data.get("instructions", "instructions.md")
    if isinstance(instructions, str) and instructions.endswith(".md") and " " not in instructions:
        _stub(folder, instructions, "# Instructions\n")
    for item in data.get("checks") or []:
        try:
            check = check_class(item.get("kind")).model_validate(item)
        except Exception:  # any mistake in the check: loading reports it
            continue
        for path in (*check.support_files(), *check.expectation_files()):
            if path not in files:
                _stub(folder, path)
    return folder


@pytest.mark.parametrize("block", marked("exercise"), ids=ids(marked("exercise")))
def test_an_exercise_in_the_guides_loads_as_shown(block: Block, tmp_path: Path) -> None:
    key = block.option("path") or "track/example"
    folder = write_exercise(tmp_path, key, yaml.safe_load(block.text), block.text)
    if "invalid" not in block.marks:
        try:
            exercise = load_exercise(folder, tmp_path)
        except ExerciseInvalid as error:
            pytest.fail(f"{block.where}: this exercise does not load:\n{error}")
        assert exercise.checks, block.where
        return
    with pytest.raises(ExerciseInvalid) as caught:
        load_exercise(folder, tmp_path)
    shown = _next_block(block)
    assert shown.language == "text", f"{block.where}: an invalid exercise is followed by its errors (```text)"
    assert str(caught.value).splitlines() == shown.text.strip().splitlines(), (
        f"{shown.where}: the errors shown are not the ones loading gives:\n{caught.value}"
    )


def _next_block(block: Block) -> Block:
    same_file = [other for other in BLOCKS if other.path == block.path and other.line > block.line]
    return same_file[0]


def wrap_checks(checks: list[dict[str, Any]]) -> dict[str, Any]:
    """An exercise around some checks, its `files:` being the ones the checks name."""
    files = ["index.html", "style.css"]
    for check in checks:
        for key in ("file", "app", "page"):
            value = check.get(key)
            if isinstance(value, str) and value not in files and value not in check.get("files", []):
                files.append(value)
    kinds = {check.get("kind") for check in checks}
    runtime = "node" if "node" in kinds else "python" if kinds & {"pytest", "io", "script", "http"} else "web"
    return {"format": 1, "title": "Example", "runtime": runtime, "files": files, "checks": checks}


@pytest.mark.parametrize("block", marked("check"), ids=ids(marked("check")))
def test_a_check_in_the_guides_loads_as_shown(block: Block, tmp_path: Path) -> None:
    written = yaml.safe_load(block.text)
    checks = written if isinstance(written, list) else [written]
    data = wrap_checks(checks)
    folder = write_exercise(tmp_path, "track/example", data, yaml.safe_dump(data, sort_keys=False))
    try:
        exercise = load_exercise(folder, tmp_path)
    except ExerciseInvalid as error:
        pytest.fail(f"{block.where}: these checks do not load:\n{error}")
    assert len(exercise.checks) == len(checks), block.where


def _windows(lines: list[str], size: int) -> list[str]:
    return [textwrap.dedent("\n".join(lines[start:start + size])) for start in range(len(lines) - size + 1)]


@pytest.mark.parametrize("block", marked("excerpt"), ids=ids(marked("excerpt")))
def test_an_excerpt_is_copied_word_for_word(block: Block) -> None:
    assert len(block.marks) == 2, f"{block.where}: say which file it comes from: ```yaml excerpt PATH"
    source = ROOT / block.marks[1]
    assert source.is_file(), f"{block.where}: no file {block.marks[1]}"
    shown = block.text.rstrip("\n").splitlines()
    windows = _windows(source.read_text(encoding="utf-8").splitlines(), len(shown))
    assert textwrap.dedent("\n".join(shown)) in windows, (
        f"{block.where}: these lines are not in {block.marks[1]} as shown"
    )


LISTINGS = marked("track") + marked("catalog")


@pytest.mark.parametrize("block", LISTINGS, ids=ids(LISTINGS))
def test_tracks_and_catalogues_in_the_guides_validate(block: Block) -> None:
    model = TrackYaml if block.marks[0] == "track" else CatalogYaml
    model.model_validate(yaml.safe_load(block.text))


def test_a_check_that_does_not_load_fails_its_test(tmp_path: Path) -> None:
    """The wrapper does not hide mistakes: a misspelt option is reported."""
    data = wrap_checks([{"kind": "io", "run": "python3 a.py", "stdot": "x"}])
    folder = write_exercise(tmp_path, "track/example", data, yaml.safe_dump(data))
    with pytest.raises(ExerciseInvalid, match="unknown key 'stdot'"):
        load_exercise(folder, tmp_path)
