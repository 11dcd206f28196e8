"""grader/yamlsource.py: safe YAML that keeps the position of every key and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.errors import ExerciseInvalid
from grader.yamlsource import MAX_BYTES, parse_yaml, read_yaml

SAMPLE = """\
format: 1
title: Two-fer
checks:
  - kind: io
    stdout: "One for you"
  - kind: pytest
    tests: [a.py, b.py]
"""


def messages(text: str) -> list[str]:
    with pytest.raises(ExerciseInvalid) as caught:
        parse_yaml(text, "t/exercise.yaml")
    return str(caught.value).splitlines()


def test_plain_data_comes_back() -> None:
    doc = parse_yaml(SAMPLE, "t/exercise.yaml")
    assert doc.data == {
        "format": 1,
        "title": "Two-fer",
        "checks": [{"kind": "io", "stdout": "One for you"}, {"kind": "pytest", "tests": ["a.py", "b.py"]}],
    }
    assert doc.problems == ()


def test_positions_of_values_and_keys_are_one_based() -> None:
    doc = parse_yaml(SAMPLE, "t/exercise.yaml")
    assert doc.position(("title",)) == (2, 8)
    assert doc.position(("title",), key=True) == (2, 1)
    assert doc.position(("checks", 0)) == (4, 5)
    assert doc.position(("checks", 0, "stdout")) == (5, 13)
    assert doc.position(("checks", 1, "tests", 1)) == (7, 19)


def test_an_unknown_location_falls_back_to_its_nearest_ancestor() -> None:
    doc = parse_yaml(SAMPLE, "t/exercise.yaml")
    assert doc.position(("checks", 1, "expect", 3)) == (6, 5)
    assert doc.position(("nowhere",)) == (1, 1)


def test_error_formats_file_line_col_and_dotted_path() -> None:
    doc = parse_yaml(SAMPLE, "t/exercise.yaml")
    error = doc.error(("checks", 0, "stdout"), "expected text, got 5")
    assert str(error) == "t/exercise.yaml:5:13: checks.0.stdout: expected text, got 5"


def test_locate_finds_where_a_value_is_written() -> None:
    doc = parse_yaml(SAMPLE, "t/exercise.yaml")
    assert doc.locate(("checks", 1), "b.py") == ("checks", 1, "tests", 1)
    assert doc.locate(("checks", 0), "b.py") == ("checks", 0)


def test_duplicate_keys_are_reported_not_overwritten() -> None:
    doc = parse_yaml("title: One\nsummary: x\ntitle: Two\n", "t/exercise.yaml")
    assert doc.data["title"] == "One"
    assert [str(p) for p in doc.problems] == [
        "t/exercise.yaml:3:1: duplicate key 'title' (first written on line 1)"
    ]


def test_duplicate_keys_in_a_nested_mapping_name_the_mapping() -> None:
    doc = parse_yaml("checks:\n  - kind: io\n    kind: pytest\n", "t/exercise.yaml")
    assert [str(p) for p in doc.problems] == [
        "t/exercise.yaml:3:5: checks.0: duplicate key 'kind' (first written on line 2)"
    ]


def test_syntax_error_has_its_position() -> None:
    assert messages("title: Two-fer\nfiles: [a.py\nchecks: []\n") == [
        "t/exercise.yaml:3:7: YAML syntax error: expected ',' or ']', but got ':'"
    ]


def test_tab_indentation_is_a_syntax_error() -> None:
    assert messages("checks:\n\t- kind: io\n") == [
        "t/exercise.yaml:2:1: YAML syntax error: found character '\\t' that cannot start any token"
    ]


def test_two_documents_are_refused() -> None:
    assert messages("a: 1\n---\nb: 2\n") == [
        "t/exercise.yaml:2:1: YAML syntax error: expected a single document in the stream"
        " but found another document"
    ]


def test_python_tags_are_refused() -> None:
    doc = parse_yaml("title: !!python/object:os.system echo\nx: !custom 3\n", "t/exercise.yaml")
    assert [str(p) for p in doc.problems] == [
        "t/exercise.yaml:1:8: title: the YAML tag '!!python/object:os.system' is not allowed here",
        "t/exercise.yaml:2:4: x: the YAML tag '!custom' is not allowed here",
    ]


def test_standard_tags_are_fine() -> None:
    doc = parse_yaml("a: !!str 5\nb: !!int '7'\nday: 2024-01-31\n", "t/exercise.yaml")
    assert doc.data == {"a": "5", "b": 7, "day": "2024-01-31"}
    assert doc.problems == ()


def test_anchors_aliases_and_merge_keys_work() -> None:
    text = "base: &io {kind: io, run: python3 a.py}\nchecks:\n  - <<: *io\n    stdout: hi\n  - *io\n"
    doc = parse_yaml(text, "t/exercise.yaml")
    assert doc.data["checks"] == [
        {"stdout": "hi", "kind": "io", "run": "python3 a.py"},
        {"kind": "io", "run": "python3 a.py"},
    ]
    assert doc.position(("checks", 0, "run")) == (1, 27)  # where the merged value was written


def test_keys_stay_as_written() -> None:
    assert parse_yaml("yes: 1\n200: ok\nnull: x\n", "t/e.yaml").data == {"yes": 1, "200": "ok", "null": "x"}


def test_billion_laughs_is_capped() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 9)]
    (message,) = messages("\n".join(lines) + "\n")
    assert message.startswith("t/exercise.yaml:")
    assert message.endswith(": has more than 10000 values (does an alias expand too much?)")


def test_a_recursive_alias_is_capped() -> None:
    (message,) = messages("a: &a [*a, *a]\n")
    assert "has more than 10000 values" in message or "nested more than 50 levels" in message


def test_deep_nesting_is_refused() -> None:
    assert messages("[" * 60 + "]" * 60) == ["t/exercise.yaml:1:52: is nested more than 50 levels deep"]
    assert messages("[" * 50_000) == ["t/exercise.yaml: is nested too deeply"]


def test_a_big_file_is_refused_before_parsing() -> None:
    assert messages("# " + "x" * MAX_BYTES) == ["t/exercise.yaml: is larger than 256 KiB"]


def test_invalid_utf8_is_reported_with_its_line() -> None:
    with pytest.raises(ExerciseInvalid) as caught:
        parse_yaml(b"title: ok\nsummary: caf\xe9\n", "t/exercise.yaml")
    assert str(caught.value) == "t/exercise.yaml:2:1: is not valid UTF-8 text"


def test_an_empty_file_is_none() -> None:
    assert parse_yaml("", "t/exercise.yaml").data is None
    assert parse_yaml("# only a comment\n", "t/exercise.yaml").data is None


def test_read_yaml_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExerciseInvalid) as caught:
        read_yaml(tmp_path / "exercise.yaml", "t/exercise.yaml")
    assert str(caught.value) == "t/exercise.yaml: file not found"
