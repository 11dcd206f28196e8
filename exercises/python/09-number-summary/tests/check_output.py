"""Runs the learner's program with some input and compares what it printed, in plain words.

Usage: python3 tests/check_output.py PROGRAM CASES_FILE CASE [CASE ...]

Each case in the JSON file: {"name": ..., "stdin": ..., "expect": [lines], "where": "end"}.
"where" says which printed lines must be the expected ones: "end" (the default: the last lines; text
printed before them, such as the question asked by input("Your name? "), is allowed), "start" (the
first lines) or "all" (every line). Blank lines and extra spaces do not matter.
"""

import json
import os
import re
import subprocess
import sys

PROMPT_END = (" ", ":", "?", ">", "-", "\t")


def tidy(line):
    """Extra spaces do not matter: a run of them counts as one, and a space before punctuation is dropped."""
    return re.sub(r" ([!.,?:;])", r"\1", re.sub(r"\s+", " ", line).strip())


def shown(lines):
    return "".join(f"    {line}\n" for line in lines) if lines else "    (nothing)\n"


def matches(line, expected):
    if line == expected:
        return True
    if line.endswith(expected):
        before = line[: -len(expected)]
        return before.endswith(PROMPT_END) or expected.startswith(PROMPT_END)
    return False


def crash_message(stderr):
    last = [line for line in stderr.strip().splitlines() if line.strip()]
    error = last[-1] if last else "an unknown error"
    if error.startswith("EOFError"):
        return "Your program asked for more input than it was given (it called input() too many times)."
    where = re.findall(r'File "/work/([^"]+)", line (\d+)', stderr)
    place = f" (in {where[-1][0]}, line {where[-1][1]})" if where else ""
    return f"Your program stopped with an error{place}:\n    {error}"


def run_case(program, case):
    try:
        done = subprocess.run(
            [sys.executable, program], input=case.get("stdin", ""), capture_output=True,
            text=True, timeout=5, errors="replace",
        )
    except subprocess.TimeoutExpired:
        return "Your program was still running after 5 seconds. Is it waiting for more input?"
    given = case.get("stdin", "")
    intro = f"With this input:\n{shown(given.splitlines())}" if given else ""
    if done.returncode != 0:
        return intro + crash_message(done.stderr)
    printed = [tidy(line) for line in done.stdout.splitlines() if line.strip()]
    expected = [tidy(line) for line in case["expect"]]
    where = case.get("where", "end")
    if where == "start":
        tail = printed[: len(expected)]
    elif where == "all" or len(printed) < len(expected):
        tail = printed
    else:
        tail = printed[-len(expected):]
    same = (lambda a, b: a == b) if where != "end" else matches
    if len(tail) == len(expected) and all(same(a, b) for a, b in zip(tail, expected, strict=True)):
        return None
    note = ""
    for got, want in zip(tail, expected, strict=False):
        if not same(got, want):
            if got.lower().endswith(want.lower()):
                note = f"\nLook at capital and small letters: you printed '{got}', expected '{want}'."
            else:
                note = f"\nThe first difference: you printed '{got}', expected '{want}'."
            break
    else:
        if printed and len(tail) != len(expected):
            note = f"\nYour program printed {len(printed)} line(s); {len(expected)} were expected."
    should = {"end": "end by printing", "start": "start by printing", "all": "print exactly"}[where]
    return (
        f"{intro}Your program should {should}:\n{shown(expected)}"
        f"It printed:\n{shown(printed)}{note}"
    )


def summarise(tests):
    """One case: its own verdict. Several: one test each, scored together."""
    if len(tests) == 1:
        return {"status": tests[0]["status"], "message": tests[0]["message"] or "Well done!"}
    failed = [t for t in tests if t["status"] != "pass"]
    if not failed:
        message = "Your program printed what was expected."
    else:
        message = f"{len(tests) - len(failed)} of {len(tests)} cases are right."
    return {"status": "fail" if failed else "pass", "message": message, "tests": tests}


def main():
    program, cases_file, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(cases_file, encoding="utf-8") as file:
        cases = json.load(file)
    if not os.path.exists(program):
        verdict = {"status": "fail", "message": f"There is no file called {program} yet."}
    else:
        tests = []
        for name in names:
            case = cases[name]
            problem = run_case(program, case)
            message = problem or ""
            tests.append({"name": case["name"], "status": "fail" if problem else "pass", "message": message})
        verdict = summarise(tests)
    with os.fdopen(int(os.environ.get("GRADER_VERDICT_FD", "3")), "w") as out:
        out.write(json.dumps(verdict) + "\n")


if __name__ == "__main__":
    main()
