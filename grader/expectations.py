"""`wrong/<name>/expect.yaml`: why a known-wrong submission is wrong, so that it cannot pass validation
for another reason (a typo that makes it crash, a check that fails on everything).

```yaml
why: The stylesheet is never linked from the page.   # for authors; optional
fails:
  - check: css-1                 # this check must not pass
    says: [does not link]        # and its message (or a failing test's) must hold these words
  - check: css-2                 # must not pass, whatever it says
```

Words are compared without case, and with runs of spaces taken as one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from grader.errors import ContentError, validation_errors
from grader.result import CheckResult
from grader.yamlsource import read_yaml


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class FailingCheck(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str = Field(min_length=1)
    says: Annotated[tuple[Annotated[str, Field(min_length=1)], ...], BeforeValidator(_as_list)] = ()


class WrongExpectation(BaseModel):
    """What one wrong submission must show when graded."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    why: str = ""
    fails: tuple[FailingCheck, ...] = Field(min_length=1)

    def problems(self, checks: Iterable[CheckResult]) -> list[str]:
        """How a grading of the submission differs from this expectation (none: as expected)."""
        by_id = {check.id: check for check in checks}
        found = []
        for failing in self.fails:
            check = by_id.get(failing.check)
            if check is None:
                found.append(f"check {failing.check} did not run")
                continue
            if check.status == "pass":
                found.append(f"check {failing.check} passed, but expect.yaml says it must fail")
                continue
            said = _squeezed(" ".join([check.message, check.output, *(t.message for t in check.tests
                                                                       if t.status != "pass")]))
            missing = [words for words in failing.says if _squeezed(words) not in said]
            if missing:
                first = (check.message or next((t.message for t in check.tests if t.status != "pass"), ""))
                found.append(f"check {failing.check} failed, but its message does not say "
                             f"{missing[0]!r}: {first.splitlines()[0][:200] if first else '(no message)'}")
        return found


def _squeezed(text: str) -> str:
    return " ".join(text.casefold().split())


def load_expectation(path: Path, shown: str, check_ids: Iterable[str]) -> tuple[WrongExpectation | None,
                                                                               list[ContentError]]:
    """The expectation in `path` (shown in messages as `shown`), and its mistakes: unknown keys, wrong
    types, checks the exercise does not have."""
    doc = read_yaml(path, shown)
    errors = list(doc.problems)
    if not isinstance(doc.data, dict):
        errors.append(ContentError(shown, 1, 1, "expected a mapping with `fails:` (and maybe `why:`)"))
        return None, errors
    try:
        expectation = WrongExpectation.model_validate(doc.data)
    except ValidationError as exc:
        return None, errors + validation_errors(exc, WrongExpectation, doc)
    known = sorted(check_ids)
    for index, failing in enumerate(expectation.fails):
        if failing.check not in known:
            message = f"no check '{failing.check}' in this exercise (its checks: {', '.join(known)})"
            errors.append(doc.error(("fails", index, "check"), message))
    return (None if errors else expectation), errors
