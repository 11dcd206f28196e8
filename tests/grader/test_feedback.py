"""Plain-language feedback: a crash placed on the learner's line, whatever frames surround it."""

from __future__ import annotations

import pytest

from grader.checks.base import StepOutput
from grader.feedback import Crash, node_crash, python_crash, stopped_message

MINE = frozenset({"app.py", "stats.py", "shout.py", "temperature.js", "lib/helpers.py"})

FLASK_START = """\
Traceback (most recent call last):
  File "/opt/harness/serve_flask.py", line 18, in <module>
    main()
  File "/opt/harness/serve_flask.py", line 13, in main
    app = ScriptInfo(app_import_path=module).load_app()
  File "/usr/lib/python3/dist-packages/flask/cli.py", line 218, in locate_app
    __import__(module_name)
  File "/work/app.py", line 4, in <module>
    notes = load_notes("notes.txt")
NameError: name 'load_notes' is not defined
"""

INTO_THE_STDLIB = """\
Traceback (most recent call last):
  File "/work/stats.py", line 11, in <module>
    print(mean(numbers))
  File "/work/lib/helpers.py", line 5, in mean
    return statistics.mean(numbers)
  File "/usr/lib/python3.11/statistics.py", line 430, in mean
    raise StatisticsError('mean requires at least one data point')
statistics.StatisticsError: mean requires at least one data point
"""

PYTEST_COLLECT = """\
tests/test_shout.py:1: in <module>
    from shout import count_words, shout
shout.py:2: in <module>
    LIMIT = words["two"]
E   KeyError: 'two'"""

PYTEST_SYNTAX = """\
/usr/lib/python3/dist-packages/_pytest/python.py:617: in _importtestmodule
    mod = import_path(self.path, mode=importmode, root=self.config.rootpath)
E     File "/work/shout.py", line 5
E       def count_words(text)
E                            ^
E   SyntaxError: expected ':'"""

NODE_AT_IMPORT = """\
/work/temperature.js:1
const scale = settings.scale;
              ^

ReferenceError: settings is not defined
    at Object.<anonymous> (/work/temperature.js:1:15)
    at Module._compile (node:internal/modules/cjs/loader:1364:14)
    at Module.require (node:internal/modules/cjs/loader:1231:19)
    at Object.<anonymous> (/work/tests/temperature.test.js:3:37)

Node.js v18.20.4
"""

NODE_IN_A_CALL = """\
TypeError: Cannot read properties of undefined (reading 'length')
    at count (/work/tests/helpers.js:3:20)
    at toFahrenheit (/work/temperature.js:7:10)
    at TestContext.<anonymous> (/work/tests/temperature.test.js:6:50)
    at Test.runInAsyncScope (node:async_hooks:206:9)
"""

NODE_SYNTAX = """\
/work/temperature.js:6
  return ((fahrenheit - 32) * 5 / 9;
                                   ^

SyntaxError: Unexpected token ';'
    at internalCompileFunction (node:internal/vm:76:18)
    at Object.<anonymous> (/work/tests/temperature.test.js:3:37)
"""


def test_the_learners_frame_among_harness_and_library_frames() -> None:
    crash = python_crash(FLASK_START, MINE)
    assert crash == Crash("NameError", "name 'load_notes' is not defined", "app.py", 4)
    assert crash.sentence() == (
        "Your code stopped with NameError in app.py on line 4: name 'load_notes' is not defined."
    )


def test_the_deepest_learner_frame_and_a_qualified_exception() -> None:
    crash = python_crash(INTO_THE_STDLIB, MINE)
    assert crash == Crash("StatisticsError", "mean requires at least one data point", "lib/helpers.py", 5)


def test_frames_of_files_that_are_not_the_learners_are_never_blamed() -> None:
    crash = python_crash(INTO_THE_STDLIB, frozenset({"other.py"}))
    assert crash is not None and (crash.file, crash.line) == (None, None)
    assert crash.sentence() == (
        "Your code stopped with StatisticsError: mean requires at least one data point."
    )


def test_pytest_short_tracebacks_and_e_lines() -> None:
    assert python_crash(PYTEST_COLLECT, MINE) == Crash("KeyError", "'two'", "shout.py", 2)


def test_a_syntax_error_inside_pytest_output() -> None:
    crash = python_crash(PYTEST_SYNTAX, MINE)
    assert crash == Crash("SyntaxError", "expected ':'", "shout.py", 5)
    assert crash.sentence() == (
        "Python could not read your code: there is a mistake in how the code is written "
        "in shout.py on line 5: expected ':'"
    )


@pytest.mark.parametrize(
    ("crash", "sentence"),
    [
        (Crash("IndentationError", "unexpected indent", "a.py", 3),
         "Python could not read your code: there is an indentation mistake in a.py on line 3: "
         "unexpected indent"),
        (Crash("SyntaxError", "", None, None),
         "Python could not read your code: there is a mistake in how the code is written"),
        (Crash("ZeroDivisionError", "division by zero", "a.py", 2),
         "Your code stopped with ZeroDivisionError in a.py on line 2: division by zero."),
        (Crash("NameError", "name 'x' is not defined. Did you mean: 'y'?", None, None),
         "Your code stopped with NameError: name 'x' is not defined. Did you mean: 'y'?"),
        (Crash("KeyboardInterrupt", "", None, None), "Your code stopped with KeyboardInterrupt."),
    ],
)
def test_sentences(crash: Crash, sentence: str) -> None:
    assert crash.sentence() == sentence


def test_no_error_no_crash() -> None:
    assert python_crash("", MINE) is None
    assert python_crash("all good\n4 passed in 0.01s\n", MINE) is None
    assert node_crash("ok 1 - adds\n", MINE) is None


def test_node_error_at_import() -> None:
    crash = node_crash(NODE_AT_IMPORT, MINE)
    assert crash == Crash("ReferenceError", "settings is not defined", "temperature.js", 1, "JavaScript")
    assert crash.sentence() == (
        "Your code stopped with ReferenceError in temperature.js on line 1: settings is not defined."
    )


def test_node_blames_the_learners_file_not_the_tests() -> None:
    crash = node_crash(NODE_IN_A_CALL, MINE)
    assert crash is not None and (crash.error, crash.file, crash.line) == ("TypeError", "temperature.js", 7)


def test_node_syntax_error_is_javascripts() -> None:
    crash = node_crash(NODE_SYNTAX, MINE)
    assert crash is not None
    assert crash.sentence() == (
        "JavaScript could not read your code: there is a mistake in how the code is written "
        "in temperature.js on line 6: Unexpected token ';'"
    )


@pytest.mark.parametrize(
    ("status", "start"),
    [
        ("timeout", "Your program was still running after 2.5 seconds, so it was stopped."),
        ("memory", "Your program used more than 128 MiB of memory, so it was stopped."),
        ("output", "Your program printed more than 16 KiB, so it was stopped."),
        ("lost", "Your program stopped the grader before it could finish"),
    ],
)
def test_stopped_messages(status: str, start: str) -> None:
    output = StepOutput(id="s", status=status)  # type: ignore[arg-type]
    message = stopped_message(output, 2.5, 128, 16)
    assert message is not None and message.startswith(start)


def test_a_program_that_ended_normally_was_not_stopped() -> None:
    assert stopped_message(StepOutput(id="s", status="ok", exit_code=1), 10, 256, 64) is None
    assert "after 10 seconds" in str(stopped_message(StepOutput(id="s", status="timeout"), 10.0, 256, 64))


def test_an_error_whose_name_starts_with_e_keeps_its_name() -> None:
    text = 'Traceback (most recent call last):\n  File "/work/greet.py", line 1, in <module>\n' \
           "    name = input()\nEOFError: EOF when reading a line\n"
    crash = python_crash(text, frozenset({"greet.py"}))
    assert crash is not None and (crash.error, crash.line) == ("EOFError", 1)
    pytest_line = python_crash("E       EnvironmentError: gone\n", frozenset())
    assert pytest_line is not None and pytest_line.error == "EnvironmentError"
