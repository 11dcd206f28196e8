"""Benchmark: the worst CPU a learner's stylesheet can cost a worker in the `css` judge.

    .venv/bin/python bench/css_judge.py [--rules 12] [--size 99000]

Judges a `css` check of `--rules` rules (several selectors, shorthands, @media and at_width among them)
against stylesheets written to be expensive, each as large as the judge accepts (`--size`
characters; grader/styles/sheet.py caps the CSS at MAX_CSS_CHARS), and prints the CPU seconds each
costs and whether it was judged or refused as too big. Target: under 0.5 s for any of them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.checks.base import GradingContext  # noqa: E402
from grader.checks.css import CssCheck  # noqa: E402

TARGET_S = 0.5
RULES: list[dict[str, Any]] = [
    {"selector": "h1", "property": "color", "value": "red"},
    {"selector": "nav ul", "property": "display", "value": "flex"},
    {"selector": "nav ul li a", "property": "margin", "value": "1px 2px"},
    {"selector": ".card", "property": "padding", "value": "4px"},
    {"selector": "body", "property": "font-family", "contains": "serif"},
    {"selector": ".menu", "property": "flex-direction", "value": "column", "media": "(max-width: 600px)"},
    {"selector": "h1", "property": "margin", "value": "0", "at_width": 375},
    {"selector": "p", "property": "border", "value": "1px solid red"},
    {"selector": "main", "property": "width", "present": True},
    {"selector": ".box", "property": "background-color", "value": "#fff"},
    {"selector": "footer", "property": "grid-template-columns", "value": "1fr 1fr"},
    {"selector": "a:hover", "property": "color", "value": "blue"},
]


def shapes(size: int) -> dict[str, str]:
    def fill(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    return {
        "many small rules": fill(".c { color: red; margin: 1px 2px; }\n"),
        "every rule matches": fill("h1, nav ul, nav ul li a, .card, body, p { margin: 1px 2px 3px 4px; }\n"),
        "one huge rule": "h1 {" + fill("color: #abc; border: 1px solid red; ")[:size - 10] + "}",
        "long selector lists": fill(", ".join(f".s{i} h1" for i in range(60)) + " { color: red }\n"),
        "nesting bomb": fill("a,b,c,d,e,f,g,h,i,j { color: red; "),
        "never closed": fill("a { b { c { "),
        "media everywhere": fill("@media (max-width: 600px) { .menu { flex-direction: row } }\n"),
        "var chains": ":root{" + "".join(f"--v{i}: var(--v{i + 1});" for i in range(size // 24)) + "}"
                      + "h1 { color: var(--v0) }",
    }


def judge(check: CssCheck, css: str) -> tuple[float, str]:
    exercise: Any = SimpleNamespace(files=("index.html", "style.css"), folder=ROOT)
    context = GradingContext(exercise=exercise, submission={"index.html": b"<h1>Hi</h1>",
                                                           "style.css": css.encode()})
    started = time.process_time()
    result = check.judge(context, {})
    return time.process_time() - started, result.message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=len(RULES))
    parser.add_argument("--size", type=int, default=99_000)
    args = parser.parse_args()
    check = CssCheck.model_validate({"kind": "css", "id": "css-1", "rules": RULES[:args.rules]})
    worst = 0.0
    print(f"css judge, {args.rules} rules, stylesheets of {args.size:,} characters "
          f"(target < {TARGET_S} s CPU)")
    for name, css in shapes(args.size).items():
        seconds, message = judge(check, css[:args.size])
        worst = max(worst, seconds)
        verdict = "refused: too big" if "too big to check" in message else "judged"
        print(f"  {name:<22} {seconds:6.3f} s  {verdict}")
    print(f"worst: {worst:.3f} s {'(within target)' if worst < TARGET_S else '(OVER TARGET)'}")


if __name__ == "__main__":
    main()
