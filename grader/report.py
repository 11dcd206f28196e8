"""A result as a readable table for the terminal (`grader run` without --json)."""

from __future__ import annotations

from grader.result import Result

MARKS = {
    "pass": "PASS", "fail": "FAIL", "error": "ERROR",
    "timeout": "TIME", "memory": "MEMORY", "output": "OUTPUT",
}


def render(result: Result) -> str:
    lines = [f"{result.exercise}: {result.status.upper()}  {result.score:g} / {result.max_score:g}  "
             f"({result.duration_s:.2f} s)"]
    if result.message:
        lines.append(f"  {result.message}")
    if result.seed is not None:
        lines.append(f"  Generated inputs picked with --seed {result.seed}")
    width = max((len(check.title) for check in result.checks), default=10)
    for check in result.checks:
        hidden = " (hidden)" if check.hidden else ""
        lines.append(
            f"  {MARKS[check.status]:<6} {check.title:<{width}}  {check.score:g}/{check.max_score:g}{hidden}"
        )
        if check.status != "pass":
            hints = (check.hint and f"Hint: {check.hint}", check.hint_answer and f"Then: {check.hint_answer}")
            for text in (check.message, *hints):
                if text:
                    lines.extend(f"         {line}" for line in text.splitlines())
        for test in check.tests:
            if test.status != "pass":
                first = test.message.splitlines()[0] if test.message else ""
                lines.append(f"         - {test.name}: {first}")
        if check.output and check.status != "pass":
            lines.extend(f"         {line}" for line in check.output.rstrip().splitlines()[:30])
    return "\n".join(lines)
