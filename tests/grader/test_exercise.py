"""grader/exercise.py: loading exercises, and every mistake told at once with its position."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from grader.checks import KINDS
from grader.checks.io import IoCheck
from grader.checks.script import ScriptCheck
from grader.errors import ExerciseInvalid
from grader.exercise import Exercise, load_exercise
from grader.limits import Limits
from tests.helpers.data import BROKEN, CATALOGS, EXERCISES
from tests.helpers.exercises import MINIMAL, make_exercise, problems

SMALL = CATALOGS / "small"

# --- valid exercises -------------------------------------------------------------------------------


def test_two_fer_loads_with_derived_attributes() -> None:
    exercise = load_exercise(SMALL / "python" / "two-fer", SMALL)
    assert (exercise.key, exercise.track, exercise.slug) == ("python/two-fer", "python", "two-fer")
    assert exercise.folder == (SMALL / "python" / "two-fer").resolve()
    assert exercise.files == ("two_fer.py",)
    assert exercise.limits == Limits(time=10, memory=256, output=64)
    assert (exercise.difficulty, exercise.tags) == (1, ("functions", "strings"))
    assert exercise.instructions_markdown.startswith("# Two-fer\n")
    assert len(exercise.sha256) == 64


def test_check_ids_and_titles_are_filled_in() -> None:
    exercise = load_exercise(SMALL / "python" / "two-fer")
    assert [(c.kind, c.id, c.title) for c in exercise.checks] == [
        ("pytest", "pytest-1", "Unit tests"),
        ("io", "greets-alice", "Greets Alice"),
        ("io", "io-2", "Runs `python3 two_fer.py`"),  # counts every io check, named or not
    ]
    greet = exercise.checks[1]
    assert isinstance(greet, IoCheck)
    assert (greet.stdin, greet.hidden, greet.argv) == ("Alice\n", True, ["python3", "two_fer.py"])


def test_starter_solution_and_wrong_submissions_are_readable() -> None:
    exercise = load_exercise(SMALL / "python" / "two-fer")
    assert exercise.read_starter() == {"two_fer.py": b'def two_fer(name="you"):\n    pass\n'}
    assert list(exercise.read_solution()) == ["two_fer.py"]
    wrong = exercise.wrong_submissions()
    assert sorted(wrong) == ["no-name", "says-hello"]
    assert wrong["says-hello"]["two_fer.py"].startswith(b"def two_fer")
    assert exercise.support_file_bytes("tests/test_two_fer.py").startswith(b"from two_fer import")
    with pytest.raises(FileNotFoundError):
        exercise.support_file_bytes("../track.yaml")


def test_inline_instructions_empty_starter_and_host_only_files() -> None:
    exercise = load_exercise(SMALL / "python" / "stdin-sum")
    assert exercise.instructions_markdown.startswith("# Sum the numbers\n\nRead numbers")
    assert exercise.starter == "start" and exercise.read_starter() == {}
    io, script = exercise.checks
    assert isinstance(io, IoCheck) and isinstance(script, ScriptCheck)
    assert io.support_files() == ()
    assert io.expectation_files() == ("tests/sample.in", "tests/sample.out")
    assert script.support_files() == ("tests/check_style.py", "tests/style_rules.txt")
    assert (script.id, script.title, script.points) == ("script-1", "Uses a loop", 2)


def test_a_node_exercise_loads() -> None:
    exercise = load_exercise(SMALL / "javascript" / "leap")
    assert exercise.runtime == "node"
    assert [(c.id, c.support_files()) for c in exercise.checks] == [("node-1", ("tests/leap.test.js",))]


def test_pytest_support_files_ship_with_the_tests_and_must_exist(tmp_path: Path) -> None:
    yaml = MINIMAL + "    support: [tests/helpers.py, tests/data.csv]\n"
    folder = make_exercise(tmp_path, yaml, {"tests/helpers.py": "X = 1\n", "tests/data.csv": "a,b\n"})
    (check,) = load_exercise(folder).checks
    assert check.support_files() == ("tests/test_two_fer.py", "tests/helpers.py", "tests/data.csv")
    (folder / "tests" / "data.csv").unlink()
    assert problems(folder) == [
        "track/ex/exercise.yaml:8:33: checks.0.support.1: "
        "file 'tests/data.csv' not found in the exercise folder"
    ]


def test_an_exercise_is_frozen() -> None:
    exercise = load_exercise(SMALL / "javascript" / "leap")
    with pytest.raises(ValueError):
        exercise.title = "changed"  # type: ignore[misc]


# --- the provenance hash ---------------------------------------------------------------------------


def test_sha256_is_deterministic_and_follows_content(tmp_path: Path) -> None:
    first = load_exercise(make_exercise(tmp_path / "a")).sha256
    assert load_exercise(make_exercise(tmp_path / "b")).sha256 == first
    changed = make_exercise(tmp_path / "c", files={"tests/test_two_fer.py": "def test_other(): ...\n"})
    assert load_exercise(changed).sha256 != first


def test_sha256_ignores_wrong_submissions_and_caches(tmp_path: Path) -> None:
    first = load_exercise(make_exercise(tmp_path / "a")).sha256
    noisy = make_exercise(
        tmp_path / "b",
        files={"wrong/empty/two_fer.py": "", "tests/__pycache__/x.pyc": "junk", "starter/.gitkeep": ""},
    )
    assert load_exercise(noisy).sha256 == first


# --- the golden broken exercise --------------------------------------------------------------------


def test_every_mistake_is_reported_at_once_with_its_position(tmp_path: Path) -> None:
    folder = tmp_path / "broken" / "many-mistakes"
    shutil.copytree(BROKEN / "many-mistakes", folder)
    os.symlink("/etc/hostname", folder / "tests" / "outside.js")
    expected = (BROKEN / "many-mistakes.expected").read_text()
    assert problems(folder) == expected.replace("{known}", ", ".join(sorted(KINDS))).splitlines()


def test_messages_name_the_file_relative_to_the_exercises_root(tmp_path: Path) -> None:
    folder = make_exercise(tmp_path, MINIMAL.replace("title: Two-fer", "titel: Two-fer"))
    with pytest.raises(ExerciseInvalid) as caught:
        load_exercise(folder, root=tmp_path)
    assert [str(e) for e in caught.value.errors] == [
        "track/ex/exercise.yaml:1:1: missing required key 'title'",
        "track/ex/exercise.yaml:2:1: unknown key 'titel'; did you mean 'title'?",
    ]


# --- the shape of exercise.yaml --------------------------------------------------------------------


def test_an_empty_file(tmp_path: Path) -> None:
    assert problems(make_exercise(tmp_path, "")) == [
        "track/ex/exercise.yaml: is empty: expected format, title, runtime, files and checks"
    ]


def test_a_list_at_the_top(tmp_path: Path) -> None:
    assert problems(make_exercise(tmp_path, "- format: 1\n")) == [
        "track/ex/exercise.yaml:1:1: expected a mapping (format: 1, title: ...), got a list"
    ]


def test_a_missing_exercise_yaml(tmp_path: Path) -> None:
    folder = make_exercise(tmp_path)
    (folder / "exercise.yaml").unlink()
    assert problems(folder) == ["track/ex/exercise.yaml: file not found"]


def test_duplicate_keys_are_mistakes_the_first_value_is_kept(tmp_path: Path) -> None:
    yaml = MINIMAL.replace("runtime: python", "runtime: python\nruntime: ruby\nformat: 2")
    assert problems(make_exercise(tmp_path, yaml)) == [
        "track/ex/exercise.yaml:4:1: duplicate key 'runtime' (first written on line 3)",
        "track/ex/exercise.yaml:5:1: duplicate key 'format' (first written on line 1)",
    ]


def test_wrong_types_and_limits(tmp_path: Path) -> None:
    yaml = MINIMAL + "limits: {time: 0, memory: 4096, output: x, cpu: 2}\ndifficulty: 2.5\ntags: python\n"
    yaml = yaml.replace("title: Two-fer", "title: 12")
    assert problems(make_exercise(tmp_path, yaml)) == [
        "track/ex/exercise.yaml:2:8: title: expected text, got 12 (put it in quotes)",
        "track/ex/exercise.yaml:8:16: limits.time: must be greater than 0, got 0",
        "track/ex/exercise.yaml:8:27: limits.memory: must be at most 2048, got 4096",
        "track/ex/exercise.yaml:8:41: limits.output: expected a whole number, got 'x'",
        "track/ex/exercise.yaml:8:44: limits: unknown key 'cpu'",
        "track/ex/exercise.yaml:9:13: difficulty: expected a whole number, got 2.5",
        "track/ex/exercise.yaml:10:7: tags: expected a list, got 'python' (write [python])",
    ]


def test_format_and_runtime_are_closed_lists(tmp_path: Path) -> None:
    yaml = MINIMAL.replace("format: 1", "format: 2").replace("runtime: python", "runtime: ruby")
    assert problems(make_exercise(tmp_path, yaml)) == [
        "track/ex/exercise.yaml:1:9: format: expected 1, got 2",
        "track/ex/exercise.yaml:3:10: runtime: expected 'python', 'node' or 'web', got 'ruby'",
    ]


def test_missing_keys_point_at_their_mapping(tmp_path: Path) -> None:
    yaml = "format: 1\ntitle: T\nchecks:\n  - kind: io\n    stdout: hi\n  - tests: [a.py]\n"
    assert problems(make_exercise(tmp_path, yaml)) == [
        "track/ex/exercise.yaml:1:1: missing required key 'files'",
        "track/ex/exercise.yaml:1:1: missing required key 'runtime'",
        "track/ex/exercise.yaml:4:5: checks.0: missing required key 'run'",
        "track/ex/exercise.yaml:6:5: checks.1: missing required key 'kind'",
    ]


def test_checks_must_be_a_non_empty_list_of_mappings(tmp_path: Path) -> None:
    assert problems(make_exercise(tmp_path, MINIMAL.split("checks:")[0] + "checks: []\n")) == [
        "track/ex/exercise.yaml:5:9: checks: must not be empty"
    ]
    assert problems(make_exercise(tmp_path, MINIMAL.split("checks:")[0] + "checks: [pytest]\n")) == [
        "track/ex/exercise.yaml:5:10: checks.0: expected a mapping (key: value), got 'pytest'"
    ]


# --- files: and the folders of learner files -------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("a\\b.py", "'a\\\\b.py': use '/' between folders, not '\\'"),
        ("C:/x.py", "'C:/x.py' is an absolute path: give a path inside the exercise folder"),
        ("a//b.py", "'a//b.py' has an empty or '.' part"),
        ("./b.py", "'./b.py' has an empty or '.' part"),
        (
            "my file.py",
            "'my file.py': names may use only letters, digits, '_', '.' and '-', and must not"
            " start with '.' or '-'",
        ),
        (
            ".env",
            "'.env': names may use only letters, digits, '_', '.' and '-', and must not start with '.'"
            " or '-'",
        ),
        ("a/b/c/d.py", "'a/b/c/d.py' is nested too deeply (at most 3 levels)"),
        ("''", "a path must not be empty"),
    ],
)
def test_learner_file_names_are_conservative(tmp_path: Path, entry: str, message: str) -> None:
    yaml = MINIMAL.replace("files: [two_fer.py]", f"files: [two_fer.py, {entry}]")
    assert problems(make_exercise(tmp_path, yaml)) == [f"track/ex/exercise.yaml:4:21: files.1: {message}"]


def test_learner_files_are_listed_once_and_all_in_the_solution(tmp_path: Path) -> None:
    yaml = MINIMAL.replace("files: [two_fer.py]", "files: [two_fer.py, util/helpers.py, two_fer.py]")
    assert problems(make_exercise(tmp_path, yaml)) == [
        "track/ex/exercise.yaml:4:21: files.1: solution/ does not provide 'util/helpers.py'",
        "track/ex/exercise.yaml:4:38: files.2: 'two_fer.py' is listed twice",
    ]


def test_starter_and_solution_hold_only_learner_files(tmp_path: Path) -> None:
    extra = {"solution/notes.txt": "x", "starter/util/x.py": "", "solution/__pycache__/a.pyc": "cache"}
    assert problems(make_exercise(tmp_path, files=extra)) == [
        "track/ex/exercise.yaml:4:8: files: solution/notes.txt is not one of the exercise's files",
        "track/ex/exercise.yaml:4:8: files: starter/util/x.py is not one of the exercise's files",
    ]


def test_starter_and_solution_folders_must_exist(tmp_path: Path) -> None:
    folder = make_exercise(tmp_path, MINIMAL + "solution: reference/\n", files={"starter/two_fer.py": None})
    assert problems(folder) == [
        "track/ex/exercise.yaml:1:1: starter: folder 'starter/' not found",
        "track/ex/exercise.yaml:8:11: solution: folder 'reference/' not found",
    ]


def test_the_starter_may_omit_learner_files(tmp_path: Path) -> None:
    folder = make_exercise(tmp_path, files={"starter/two_fer.py": None, "starter/.gitkeep": ""})
    assert load_exercise(folder).read_starter() == {}


def test_a_solution_link_leaving_the_folder(tmp_path: Path) -> None:
    folder = make_exercise(tmp_path, files={"solution/two_fer.py": None, "solution/.gitkeep": ""})
    os.symlink("/etc/hostname", folder / "solution" / "two_fer.py")
    assert problems(folder) == [
        "track/ex/exercise.yaml:1:1: solution: solution/two_fer.py is a link that points outside the exercise"
        " folder",
        "track/ex/exercise.yaml:4:9: files.0: solution/ does not provide 'two_fer.py'",
    ]


def test_wrong_submissions_are_folders_of_learner_files(tmp_path: Path) -> None:
    folder = make_exercise(
        tmp_path, files={"wrong/loose.py": "", "wrong/typo/two_fer.py": "", "wrong/x/a.txt": ""}
    )
    assert problems(folder) == [
        "track/ex/exercise.yaml:1:1: wrong/loose.py should be a folder holding one wrong submission",
        "track/ex/exercise.yaml:4:8: files: wrong/x/a.txt is not one of the exercise's files",
    ]


def test_right_submissions_are_complete_and_an_expect_yaml_names_checks(tmp_path: Path) -> None:
    folder = make_exercise(tmp_path, files={
        "right/partial/notes.txt": "",
        "right/loose.py": "",
        "wrong/typo/two_fer.py": "",
        "wrong/typo/expect.yaml": "why: A typo.\nfails:\n  - check: pytest-1\n  - check: nope\n",
        "wrong/other/two_fer.py": "",
        "wrong/other/expect.yaml": "- just a list\n",
        "wrong/third/two_fer.py": "",
        "wrong/third/expect.yaml": "severe: true\n",
    })
    assert problems(folder) == [
        "track/ex/exercise.yaml:1:1: right/loose.py should be a folder holding one right solution",
        "track/ex/exercise.yaml:4:8: files: right/partial/notes.txt is not one of the exercise's files",
        "track/ex/exercise.yaml:4:9: files.0: right/partial/ does not provide 'two_fer.py'",
        "track/ex/wrong/other/expect.yaml:1:1: expected a mapping with `fails:` (and maybe `why:`)",
        "track/ex/wrong/third/expect.yaml:1:1: missing required key 'fails'",
        "track/ex/wrong/third/expect.yaml:1:1: unknown key 'severe'",
        "track/ex/wrong/typo/expect.yaml:4:12: fails.1.check: no check 'nope' in this exercise (its checks: "
        "pytest-1)",
    ]


# --- instructions ----------------------------------------------------------------------------------


def test_instructions_default_file_must_exist(tmp_path: Path) -> None:
    assert problems(make_exercise(tmp_path, files={"instructions.md": None})) == [
        "track/ex/exercise.yaml:1:1: instructions: instructions file 'instructions.md' not found"
        " (write it, or give the instructions inline)"
    ]


@pytest.mark.parametrize(
    ("value", "markdown"),
    [
        ("Print the total.", "Print the total."),
        ("Hello", "Hello"),
        ("docs/intro.txt", "intro text\n"),
        ("'# Title\n\n  Body'", "# Title\nBody"),
    ],
)
def test_instructions_file_or_inline(tmp_path: Path, value: str, markdown: str) -> None:
    folder = make_exercise(
        tmp_path, MINIMAL + f"instructions: {value}\n", files={"docs/intro.txt": "intro text\n"}
    )
    assert load_exercise(folder).instructions_markdown == markdown


def test_instructions_path_must_stay_inside(tmp_path: Path) -> None:
    folder = make_exercise(tmp_path, MINIMAL + "instructions: ../other.md\n")
    assert problems(folder) == [
        "track/ex/exercise.yaml:8:15: instructions: '../other.md' goes outside the exercise folder"
        " ('..' is not allowed)"
    ]


# --- check ids and check files ---------------------------------------------------------------------


def test_a_derived_id_can_collide_with_a_given_one(tmp_path: Path) -> None:
    yaml = MINIMAL + "  - kind: pytest\n    id: pytest-1\n    tests: [tests/test_two_fer.py]\n"
    assert problems(make_exercise(tmp_path, yaml)) == [
        "track/ex/exercise.yaml:9:9: checks.1.id: duplicate check id 'pytest-1' (checks.0 has it too)"
    ]


def test_check_ids_have_a_safe_shape(tmp_path: Path) -> None:
    yaml = MINIMAL + "    id: my check\n"
    assert problems(make_exercise(tmp_path, yaml)) == [
        "track/ex/exercise.yaml:8:9: checks.0.id: 'my check' does not match the pattern"
        " ^[A-Za-z0-9][A-Za-z0-9_.-]*$"
    ]


def test_checks_use_instructor_files_only(tmp_path: Path) -> None:
    yaml = MINIMAL.replace(
        "tests: [tests/test_two_fer.py]", "tests: [two_fer.py, solution/two_fer.py, tests]"
    )
    assert problems(make_exercise(tmp_path, yaml)) == [
        "track/ex/exercise.yaml:7:13: checks.0.tests.0: 'two_fer.py' is one of the learner's files:"
        " a check must use the instructor's own files",
        "track/ex/exercise.yaml:7:25: checks.0.tests.1: 'solution/two_fer.py' is in solution/,"
        " which must never enter the sandbox",
        "track/ex/exercise.yaml:7:46: checks.0.tests.2: 'tests' is not a file",
    ]


IO = """\
  - kind: io
    run: python3 two_fer.py
"""


def test_io_options(tmp_path: Path) -> None:
    yaml = (
        MINIMAL + IO + "    stdin: x\n    stdin_file: tests/in.txt\n    stdout: a\n    stdout_file: o.txt\n"
    )
    yaml += IO + "    match: number\n    stdout: '1 2 three'\n    tolerance: -1\n"
    yaml += "  - kind: io\n    run: python3 'unbalanced\n    stdout: ''\n"
    assert problems(make_exercise(tmp_path, yaml)) == [
        "track/ex/exercise.yaml:8:5: checks.1: give either stdin or stdin_file, not both",
        "track/ex/exercise.yaml:17:13: checks.2.stdout: with match: number, expected numbers, got 'three'",
        "track/ex/exercise.yaml:18:16: checks.2.tolerance: must be at least 0, got -1",
        'track/ex/exercise.yaml:20:10: checks.3.run: cannot split "python3 \'unbalanced" into words:'
        " No closing quotation",
    ]


def test_io_printed_needs_a_line_and_where_needs_printed(tmp_path: Path) -> None:
    yaml = MINIMAL + IO + "    match: printed\n    where: start\n    stdout: '   '\n"
    yaml += IO + "    match: lines\n    where: end\n    stdout: a\n"
    yaml += IO + "    match: printed\n    where: middle\n    stdout: a\n"
    assert problems(make_exercise(tmp_path, yaml)) == [
        "track/ex/exercise.yaml:12:13: checks.1.stdout: with match: printed, give at least one line the"
        " program must print",
        "track/ex/exercise.yaml:13:5: checks.2: where: goes with match: printed only",
        "track/ex/exercise.yaml:21:12: checks.3.where: expected 'start', 'end' or 'all', got 'middle'",
    ]


def test_io_takes_at_most_one_expected_output(tmp_path: Path) -> None:
    """None means the reference solution's output; both is a mistake, and a pattern must be written."""
    yaml = MINIMAL + IO + IO + "    stdout: a\n    stdout_file: tests/out.txt\n" + IO + "    match: regex\n"
    assert problems(make_exercise(tmp_path, yaml, files={"tests/out.txt": "a\n"})) == [
        "track/ex/exercise.yaml:10:5: checks.2: give at most one of stdout or stdout_file (neither: the "
        "reference solution's output)",
        "track/ex/exercise.yaml:14:5: checks.3: with match: regex, write the expected pattern in `stdout`",
    ]


def test_io_expected_output_files_may_live_with_the_solution(tmp_path: Path) -> None:
    yaml = (
        MINIMAL + IO + "    stdout_file: solution/expected.txt\n" + IO + "    stdout_file: tests/none.txt\n"
    )
    folder = make_exercise(tmp_path, yaml, files={"solution/expected.txt": "One\n"})
    assert problems(folder) == [
        "track/ex/exercise.yaml:4:8: files: solution/expected.txt is not one of the exercise's files",
        "track/ex/exercise.yaml:13:18: checks.2.stdout_file: file 'tests/none.txt' not found in the exercise"
        " folder",
    ]


def test_script_checks_need_their_script_and_it_must_be_the_instructors(tmp_path: Path) -> None:
    yaml = MINIMAL + "  - kind: script\n    run: python3 tests/judge.py\n"
    yaml += "  - kind: script\n    run: python3 two_fer.py\n"
    yaml += "  - kind: script\n    run: python3 ../judge.py\n"
    yaml += "  - kind: script\n    run: ./judge.sh --quiet\n    files: [tests/data.txt]\n"
    assert problems(make_exercise(tmp_path, yaml, files={"tests/data.txt": ""})) == [
        "track/ex/exercise.yaml:9:10: checks.1.run: file 'tests/judge.py' not found in the exercise folder",
        "track/ex/exercise.yaml:11:10: checks.2.run: 'two_fer.py' is one of the learner's files: a check must"
        " use the instructor's own files",
        "track/ex/exercise.yaml:13:10: checks.3.run: the script must be in the exercise folder: '../judge.py'"
        " goes outside the exercise folder ('..' is not allowed)",
        "track/ex/exercise.yaml:15:10: checks.4.run: file 'judge.sh' not found in the exercise folder",
    ]


def test_a_module_run_has_no_script_file() -> None:
    check = ScriptCheck(run="python3 -m tests.judge", files=("tests/judge.py",))
    assert check.support_files() == ("tests/judge.py",)


def test_exercise_model_rejects_loader_only_keys(tmp_path: Path) -> None:
    yaml = MINIMAL + "slug: other\nsha256: abc\n"
    assert problems(make_exercise(tmp_path, yaml)) == [
        "track/ex/exercise.yaml:8:1: unknown key 'slug'",
        "track/ex/exercise.yaml:9:1: unknown key 'sha256'",
    ]
    assert "sha256" in Exercise.model_fields


def test_folder_names_become_web_addresses(tmp_path: Path) -> None:
    folder = make_exercise(tmp_path)
    renamed = folder.rename(folder.parent / "two fer")
    assert problems(renamed) == [
        "track/two fer/exercise.yaml: the folder name 'two fer' may use only letters, digits, '-' and '_'"
        " (it is in web addresses)"
    ]


# --- web kinds (their assertions come from grader/checks/html.py) ----------------------------------


@pytest.fixture
def web_kinds() -> None:
    pytest.importorskip("grader.checks.html", reason="grader/checks/html.py (HtmlAssertion) not written yet")


@pytest.mark.usefixtures("web_kinds")
def test_a_dom_exercise_loads() -> None:
    from grader.checks.dom import DomCheck

    exercise = load_exercise(EXERCISES / "web" / "greeting-page")
    greet, harness = exercise.checks
    assert isinstance(greet, DomCheck) and isinstance(harness, DomCheck)
    assert [(a.verb, a.selector) for a in greet.actions] == [
        ("fill", "#name"),
        ("click", "#greet"),
        ("wait", None),
    ]
    assert (greet.page, greet.console_errors, greet.support_files()) == ("index.html", "fail", ())
    assert (harness.id, harness.title) == ("dom-2", "Page behaviour")
    assert (harness.console_errors, harness.support_files()) == ("ignore", ("tests/harness.html",))


@pytest.mark.usefixtures("web_kinds")
def test_an_http_exercise_loads() -> None:
    from grader.checks.http import HttpCheck

    exercise = load_exercise(EXERCISES / "web" / "guestbook")
    app, static = exercise.checks
    assert isinstance(app, HttpCheck) and isinstance(static, HttpCheck)
    assert (app.title, static.title) == ("Requests to app.py", "Requests to the site")
    home, sign, again, api = app.requests
    assert (home.expect.text_contains, home.expect.headers) == (("Guestbook",), {"content-type": "text/html"})
    assert (sign.method, sign.form, sign.expect.redirect_to) == ("POST", {"name": "Ada"}, "/")
    assert (again.title, api.expect.json_subset) == ("The new name shows", [{"name": "Ada"}])


WEB_MISTAKES = """\
format: 1
title: Web
runtime: web
files: [index.html, app.py]
checks:
  - kind: dom
    page: other.html
    actions: [{click: "#a", fill: "#b"}, {fill: "#name"}, {wait: 9000}, {clik: "#a"}]
    expect: []
  - kind: http
    app: app.py
    static: true
    requests: [{path: /, expect: {status: 200}}]
  - kind: http
    app: main.py
    requests:
      - {path: /, json: {}, body: x, expect: {status: 200}}
      - {method: GOT, path: guestbook, expect: {status: 200, text_containz: x}}
  - kind: http
    app: main.py
    requests: [{path: /, expect: {}}]
  - kind: http
    app: main.py
    requests: [{path: /, expect: {status: 200}}]
"""


@pytest.mark.usefixtures("web_kinds")
def test_dom_and_http_mistakes(tmp_path: Path) -> None:
    files: dict[str, str | None] = {"starter/two_fer.py": None, "solution/two_fer.py": None}
    files.update(
        {f"{part}/{name}": "" for part in ("starter", "solution") for name in ("index.html", "app.py")}
    )
    assert problems(make_exercise(tmp_path, WEB_MISTAKES, files=files)) == [
        "track/ex/exercise.yaml:8:15: checks.0.actions.0: an action needs exactly one of click, fill, select,"
        " check, submit, press, wait (found click and fill)",
        "track/ex/exercise.yaml:8:42: checks.0.actions.1: 'fill' needs a 'value'",
        "track/ex/exercise.yaml:8:66: checks.0.actions.2.wait: must be at most 5000, got 9000",
        "track/ex/exercise.yaml:8:74: checks.0.actions.3: unknown key 'clik'; did you mean 'click'?",
        "track/ex/exercise.yaml:9:13: checks.0.expect: must not be empty",
        "track/ex/exercise.yaml:10:5: checks.1: give either app: (the learner's Flask file) or static: true",
        "track/ex/exercise.yaml:17:9: checks.2.requests.0: give at most one of form, json and body",
        "track/ex/exercise.yaml:18:18: checks.2.requests.1.method: expected 'GET', 'POST', 'PUT', 'PATCH',"
        " 'DELETE' or 'HEAD', got 'GOT'",
        "track/ex/exercise.yaml:18:29: checks.2.requests.1.path: expected a path starting with '/'"
        " and without spaces (like /guestbook), got 'guestbook'",
        "track/ex/exercise.yaml:18:62: checks.2.requests.1.expect: unknown key 'text_containz';"
        " did you mean 'text_contains'?",
        "track/ex/exercise.yaml:21:34: checks.3.requests.0.expect: say what to expect: status, headers,"
        " text_contains, json, html, redirect_to or like_solution",
        "track/ex/exercise.yaml:23:10: checks.4.app: 'main.py' is not one of the exercise's files",
    ]
