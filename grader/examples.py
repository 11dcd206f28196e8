"""Known submissions of an exercise, besides its solution and starter: `right/<name>/` (another way to
solve it: must earn full marks) and `wrong/<name>/` (a mistake learners make: must earn less), whose
optional `expect.yaml` says which checks must catch it:

```yaml
note: Prints the answer instead of giving it back.   # for the next author (optional)
fails: [calls-1]                                     # these checks must not pass (optional)
```
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from grader.errors import ContentError, ExerciseInvalid, describe, validation_errors
from grader.layout import EXPECT_FILE, WRONG, example_names
from grader.yamlsource import read_yaml


class WrongExpectation(BaseModel):
    """A wrong submission's expect.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    note: str = Field(default="", max_length=500)
    fails: tuple[str, ...] = ()


def read_expectations(
    folder: Path, shown: str, check_ids: Mapping[str, object]
) -> tuple[dict[str, tuple[str, ...]], list[ContentError]]:
    """Each wrong submission's checks that must not pass, by its name, and the mistakes of its
    expect.yaml (`shown`: how messages name the exercise folder; `check_ids`: the exercise's checks)."""
    found: dict[str, tuple[str, ...]] = {}
    errors: list[ContentError] = []
    for name in example_names(folder, WRONG):
        path = folder / WRONG / name / EXPECT_FILE
        if not path.is_file():
            continue
        try:
            doc = read_yaml(path, f"{shown}/{WRONG}/{name}/{EXPECT_FILE}")
        except ExerciseInvalid as error:
            errors += error.errors
            continue
        errors += doc.problems
        data = doc.data if doc.data is not None else {}
        if not isinstance(data, dict):
            errors.append(doc.error((), f"expected a mapping (note:, fails:), got {describe(data)}"))
            continue
        try:
            expectation = WrongExpectation.model_validate(data)
        except ValidationError as error:
            errors += validation_errors(error, WrongExpectation, doc)
            continue
        for index, check_id in enumerate(expectation.fails):
            if check_id not in check_ids:
                known = ", ".join(sorted(check_ids)) or "none"
                errors.append(doc.error(("fails", index), f"no check '{check_id}' (the checks: {known})"))
        found[name] = expectation.fails
    return found, errors
