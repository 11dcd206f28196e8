"""The configuration reference in docs/operations.md matches config/settings.py, the one place that reads
the environment: the same variables both ways, and the same defaults."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from config import Settings
from config.settings import ROOT as SETTINGS_ROOT
from grader.config import RunLimits, SandboxSettings
from tests.helpers.docs import DOCS, ROOT, code_spans

SOURCE = ROOT / "config" / "settings.py"
GUIDE = DOCS / "operations.md"
READERS = frozenset({"text", "number", "flag", "get"})
NOT_SETTINGS = frozenset({"HOME", "XDG_CACHE_HOME"})
"""Read only to find the default of GRADER_REFERENCES (the user's cache folder)."""
HOME = "/home/someone"


@dataclass(frozen=True)
class Read:
    """One variable read: how (text, number, flag, get) and, for a number, the default expression."""

    reader: str
    default: ast.expr | None = None


def reads(source: str) -> dict[str, Read]:
    """Every environment variable `source` (config/settings.py) reads through its `_Env`."""
    found: dict[str, Read] = {}
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in READERS and node.args):
            continue
        name = node.args[0]
        if isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value.isupper():
            default = node.args[1] if node.func.attr == "number" and len(node.args) > 1 else None
            found[name.value] = Read(node.func.attr, default)
    return found


READS = reads(SOURCE.read_text(encoding="utf-8"))
VARIABLES = sorted(set(READS) - NOT_SETTINGS)


def reference() -> dict[str, tuple[str, str]]:
    """The configuration table of docs/operations.md: variable -> (default cell, meaning cell)."""
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index("\n## Configuration")
    following = text.find("\n## ", start + 1)
    rows: dict[str, tuple[str, str]] = {}
    for line in text[start: following if following > 0 else None].splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 3 and code_spans(cells[0]):
            rows[code_spans(cells[0])[0]] = (cells[1], cells[2])
    return rows


TABLE = reference()


def test_settings_reads_the_variables_this_test_expects() -> None:
    assert {"GRADER_INSTANCE", "GRADER_DATABASE_URL", "GRADER_RUNTIME", "DOCKER_HOST"} <= set(VARIABLES)


def test_the_reference_lists_every_variable_the_code_reads() -> None:
    missing = sorted(set(VARIABLES) - set(TABLE))
    assert not missing, f"docs/operations.md#configuration lacks {missing}"


def test_the_reference_lists_no_variable_the_code_does_not_read() -> None:
    unread = sorted(set(TABLE) - set(VARIABLES))
    assert not unread, f"docs/operations.md#configuration lists {unread}: config/settings.py never reads them"


@pytest.mark.parametrize("name", VARIABLES)
def test_each_variable_has_a_default_and_a_meaning(name: str) -> None:
    default, meaning = TABLE[name]
    assert default and len(meaning) > 10, f"docs/operations.md: say what {name} is and its default"


NUMBERS = sorted(name for name, read in READS.items() if read.default is not None)


def _number(expression: ast.expr) -> float:
    code = compile(ast.Expression(expression), str(SOURCE), "eval")
    return float(eval(code, {"RunLimits": RunLimits, "SandboxSettings": SandboxSettings}))  # noqa: S307


@pytest.mark.parametrize("name", NUMBERS)
def test_a_number_setting_has_the_default_the_code_gives_it(name: str) -> None:
    expression = READS[name].default
    assert expression is not None
    wanted = f"{_number(expression):g}"
    default, _ = TABLE[name]
    assert re.search(rf"(?<![\d.]){re.escape(wanted)}(?![\d.])", default), (
        f"docs/operations.md: {name} defaults to {wanted} in config/settings.py, the guide says {default!r}"
    )


def _shown(value: Any) -> str:
    """How the guide writes a default path: the checkout as <repo>, the instance folder as <instance>."""
    text = str(value)
    instance = str(SETTINGS_ROOT / "instance")
    text = text.replace(instance + "/", "<instance>/")
    return text.replace(str(SETTINGS_ROOT), "<repo>").replace(HOME, "~")


TEXT_DEFAULTS: dict[str, Callable[[Settings], Any]] = {
    "GRADER_INSTANCE": lambda s: s.instance,
    "GRADER_DATABASE_URL": lambda s: s.database_url,
    "GRADER_QUEUE_URL": lambda s: s.queue_url,
    "GRADER_HOME": lambda s: s.home,
    "GRADER_BACKUPS": lambda s: s.backups,
    "GRADER_EXERCISES": lambda s: s.exercises,
    "GRADER_REFERENCES": lambda s: s.references,
    "GRADER_RUNTIME": lambda s: s.grading.sandbox.runtime,
}


@pytest.mark.parametrize("name", sorted(TEXT_DEFAULTS))
def test_a_text_setting_has_the_default_the_code_gives_it(name: str) -> None:
    settings = Settings.from_env({"HOME": HOME})
    wanted = _shown(TEXT_DEFAULTS[name](settings))
    default, _ = TABLE[name]
    assert f"`{wanted}`" in default, f"docs/operations.md: {name} defaults to {wanted}, not {default!r}"


def test_a_flag_is_off_by_default() -> None:
    flags = [name for name in VARIABLES if READS[name].reader == "flag"]
    assert flags and Settings.from_env({}).cookie_secure is False
    assert all(TABLE[name][0].startswith("off") for name in flags), [TABLE[name] for name in flags]


def test_the_settings_docstrings_name_every_variable() -> None:
    """config/settings.py says in words which variable feeds which setting."""
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    docstrings = " ".join(
        ast.get_docstring(node) or "" for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
    )
    assert [name for name in VARIABLES if name not in docstrings] == []


def test_the_reader_finds_a_new_variable() -> None:
    """A variable read like the others is found (so a new one cannot slip past these tests)."""
    found = reads('env.number("GRADER_NEW", 7)\nenv.text("GRADER_OTHER")\nos.getcwd()')
    assert sorted(found) == ["GRADER_NEW", "GRADER_OTHER"]
    assert found["GRADER_NEW"].default is not None and _number(found["GRADER_NEW"].default) == 7
