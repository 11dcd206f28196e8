"""An exercise (format 1): its YAML model, the files it points at, and `load_exercise`.

Loading checks everything an instructor can get wrong (unknown keys, wrong types, missing or escaping
files, duplicate ids, unknown kinds) and raises one `ExerciseInvalid` listing all of it.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SerializeAsAny, ValidationError

from grader import layout
from grader.checks import UnknownCheckKind, check_class
from grader.checks.base import CheckSpec
from grader.errors import ContentError, ExerciseInvalid, describe, non_empty, validation_errors
from grader.expectations import WrongExpectation, load_expectation
from grader.limits import Limits
from grader.paths import FolderPath, LearnerPath, folder_sha256, inside, read_files
from grader.yamlsource import YamlDocument, read_yaml

EXERCISE_FILE = "exercise.yaml"
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


class ExerciseFields(BaseModel):
    """Every key of exercise.yaml but `checks`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal[1]
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(default="", max_length=500)
    runtime: Literal["python", "node", "web"]
    files: Annotated[tuple[LearnerPath, ...], AfterValidator(non_empty)]
    instructions: str = Field(default="instructions.md", min_length=1)
    starter: FolderPath = "starter/"
    solution: FolderPath = "solution/"
    limits: Limits = Field(default_factory=Limits)
    tags: tuple[str, ...] = ()
    difficulty: int | None = Field(default=None, ge=1, le=5)
    glossary: tuple[str, ...] = ()


class ExerciseYaml(ExerciseFields):
    """exercise.yaml as written; each check is validated on its own, by its kind's model."""

    checks: Annotated[tuple[Any, ...], AfterValidator(non_empty)]


class Exercise(ExerciseFields):
    """A loaded, valid exercise. Every check has its `id` and `title` filled in."""

    checks: tuple[SerializeAsAny[CheckSpec], ...]
    folder: Path
    slug: str
    track: str
    sha256: str
    instructions_markdown: str
    wrong_expectations: dict[str, WrongExpectation] = Field(default_factory=dict)
    """What each wrong submission with an expect.yaml must show, by its folder's name."""

    @property
    def key(self) -> str:
        return f"{self.track}/{self.slug}"

    def read_starter(self) -> dict[str, bytes]:
        return read_files(self.folder / self.starter, self.folder)

    def read_solution(self) -> dict[str, bytes]:
        return read_files(self.folder / self.solution, self.folder)

    def wrong_submissions(self) -> dict[str, dict[str, bytes]]:
        """Known-wrong submissions under `wrong/`, by folder name (without their expect.yaml)."""
        found = {}
        for name in layout.wrong_submission_names(self.folder):
            files = read_files(self.folder / layout.WRONG / name, self.folder)
            if layout.EXPECT not in self.files:
                files.pop(layout.EXPECT, None)
            found[name] = files
        return found

    def right_submissions(self) -> dict[str, dict[str, bytes]]:
        """Other correct solutions under `right/`, by folder name: each must earn full marks."""
        return {
            name: read_files(self.folder / layout.RIGHT / name, self.folder)
            for name in layout.wrong_submission_names(self.folder, layout.RIGHT)
        }

    def support_file_bytes(self, path: str) -> bytes:
        """A file of the exercise folder (a check's support or expectation file).

        Raises:
            FileNotFoundError: no such file inside the folder.
        """
        target = inside(self.folder, path)
        if target is None or not target.is_file():
            raise FileNotFoundError(f"{self.key}: no file {path!r}")
        return target.read_bytes()


def display_name(folder: Path, root: Path | None) -> str:
    """How messages name the folder: relative to the exercises root, else `<track>/<slug>`."""
    if root is not None and folder.is_relative_to(root.resolve()):
        return folder.relative_to(root.resolve()).as_posix()
    return f"{folder.parent.name}/{folder.name}"


def load_exercise(folder: Path, root: Path | None = None) -> Exercise:
    """Load and check the exercise in `folder` (`root`: the exercises folder, for messages).

    Raises:
        ExerciseInvalid: with every mistake found.
    """
    folder = folder.resolve()
    doc = read_yaml(folder / EXERCISE_FILE, f"{display_name(folder, root)}/{EXERCISE_FILE}")
    if not isinstance(doc.data, dict):
        empty = ContentError(doc.file, 0, 0, "is empty: expected format, title, runtime, files and checks")
        shaped = doc.error((), f"expected a mapping (format: 1, title: ...), got {describe(doc.data)}")
        raise ExerciseInvalid([*doc.problems, empty if doc.data is None else shaped])
    errors = list(doc.problems)
    for name in (folder.parent.name, folder.name):
        if not _NAME.match(name):
            message = (
                f"the folder name '{name}' may use only letters, digits, '-' and '_' (it is in web addresses)"
            )
            errors.append(ContentError(doc.file, 0, 0, message))
    header, usable, header_errors = _validate_header(doc)
    checks, check_errors = _validate_checks(doc)
    errors += header_errors + check_errors
    files, starter, solution = usable.get("files"), usable.get("starter"), usable.get("solution")
    problems = layout.file_problems(folder, files, starter, solution, checks, doc.locate)
    errors += [doc.error(loc, message) for loc, message in problems]
    instructions, problem = layout.resolve_instructions(folder, usable.get("instructions", ""))
    if problem is not None:
        errors.append(doc.error(("instructions",), problem))
    check_ids = [check.id or "" for check in checks.values()]
    expectations, expectation_errors = _wrong_expectations(folder, root, check_ids)
    errors += expectation_errors
    if errors or header is None:
        raise ExerciseInvalid(errors)
    return Exercise.model_validate(
        {
            **dict(header),
            "checks": tuple(checks.values()),
            "folder": folder,
            "slug": folder.name,
            "track": folder.parent.name,
            "sha256": folder_sha256(folder),
            "instructions_markdown": instructions,
            "wrong_expectations": expectations,
        }
    )


def _wrong_expectations(
    folder: Path, root: Path | None, check_ids: list[str]
) -> tuple[dict[str, WrongExpectation], list[ContentError]]:
    """Each wrong submission's expect.yaml (grader/expectations.py) by its folder's name, and mistakes."""
    found: dict[str, WrongExpectation] = {}
    errors: list[ContentError] = []
    for name in layout.wrong_submission_names(folder):
        path = folder / layout.WRONG / name / layout.EXPECT
        if not path.is_file():
            continue
        shown = f"{display_name(folder, root)}/{layout.WRONG}/{name}/{layout.EXPECT}"
        try:
            expectation, problems = load_expectation(path, shown, check_ids)
        except ExerciseInvalid as error:  # not YAML at all, or too large to read
            errors += error.errors
            continue
        errors += problems
        if expectation is not None:
            found[name] = expectation
    return found, errors


def _validate_header(doc: YamlDocument) -> tuple[ExerciseYaml | None, dict[str, Any], list[ContentError]]:
    """The validated header (None when invalid), the fields usable anyway, and the mistakes.

    So that file mistakes are found even next to schema mistakes, a field without errors is usable as
    written, and so are the valid entries of `files:` (invalid ones become None, keeping indices).
    """
    try:
        header = ExerciseYaml.model_validate(doc.data)
    except ValidationError as exc:
        locs = [tuple(error["loc"]) for error in exc.errors()]
        bad_files = {loc[1] for loc in locs if len(loc) > 1 and loc[0] == "files" and isinstance(loc[1], int)}
        spoiled = {loc[0] for loc in locs if loc and not (loc[0] == "files" and len(loc) > 1)}
        usable = {
            name: doc.data.get(name, info.get_default(call_default_factory=True))
            for name, info in ExerciseYaml.model_fields.items()
            if name not in spoiled and (name in doc.data or not info.is_required())
        }
        if "files" in usable:
            usable["files"] = [None if i in bad_files else path for i, path in enumerate(usable["files"])]
        return None, usable, validation_errors(exc, ExerciseYaml, doc)
    return header, dict(header), []


def _validate_checks(doc: YamlDocument) -> tuple[dict[int, CheckSpec], list[ContentError]]:
    """Each check by its index, validated by its kind's model, with its id and title filled in."""
    raw = doc.data.get("checks")
    items = list(enumerate(raw)) if isinstance(raw, list) else []
    checks: dict[int, CheckSpec] = {}
    errors: list[ContentError] = []
    per_kind: Counter[str] = Counter()
    ids: dict[str, int] = {}
    for index, item in items:
        where = ("checks", index)
        if not isinstance(item, dict):
            errors.append(doc.error(where, f"expected a mapping (key: value), got {describe(item)}"))
            continue
        if "kind" not in item:
            errors.append(doc.error(where, "missing required key 'kind'"))
            continue
        try:
            spec = check_class(item["kind"])
        except UnknownCheckKind as exc:
            errors.append(doc.error((*where, "kind"), str(exc)))
            continue
        per_kind[item["kind"]] += 1
        given = item.get("id")
        check_id = given if isinstance(given, str) else f"{item['kind']}-{per_kind[item['kind']]}"
        if check_id in ids:
            at = (*where, "id") if isinstance(given, str) else where
            message = f"duplicate check id '{check_id}' (checks.{ids[check_id]} has it too)"
            errors.append(doc.error(at, message))
        ids.setdefault(check_id, index)
        try:
            check = spec.model_validate(item)
        except ValidationError as exc:
            errors += validation_errors(exc, spec, doc, where)
            continue
        title = check.title or check.default_title()
        checks[index] = check.model_copy(update={"id": check_id, "title": title})
    return checks, errors
