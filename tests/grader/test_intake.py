"""Submissions are checked before anything of them is stored or run; a refusal says why, whole."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.intake import MAX_FILE_BYTES, SubmissionRejected, check_submission, read_submission_folder

ALLOWED = ("adder.py", "web/index.html")


def refused(files: dict[str, bytes], allowed: tuple[str, ...] = ALLOWED) -> list[str]:
    with pytest.raises(SubmissionRejected) as caught:
        check_submission(allowed, files)
    return caught.value.problems


def test_accepts_the_exercise_files() -> None:
    files = {"adder.py": b"x = 1\n", "web/index.html": b"<p>hi</p>"}
    assert check_submission(ALLOWED, files) == files


def test_accepts_a_partial_submission() -> None:
    assert check_submission(ALLOWED, {"adder.py": b""}) == {"adder.py": b""}


@pytest.mark.parametrize(
    "path",
    ["/etc/passwd", "../adder.py", "web/../adder.py", "web\\index.html", "notes.txt", "adder.py/x"],
)
def test_refuses_paths_outside_the_exercise_files(path: str) -> None:
    problems = refused({path: b"x"})
    assert len(problems) == 1
    assert "is not one of this exercise's files (adder.py, web/index.html)" in problems[0]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("conftest.py", "would change how your work is tested"),
        ("sitecustomize.py", "would change how your work is tested"),
        ("usercustomize.py", "would change how your work is tested"),
        ("pytest.ini", "would change how your work is tested"),
        ("evil.pth", "would change how your work is tested"),
        ("random.py", "is the name of a module Python already has"),
        ("json.py", "is the name of a module Python already has"),
        ("pytest.py", "is the name of a module Python already has"),
        ("flask.py", "is the name of a module Python already has"),
    ],
)
def test_refuses_names_that_hijack_the_harness(name: str, words: str) -> None:
    problems = refused({name: b"print(1)"}, allowed=(name,))
    assert any(words in problem for problem in problems), problems


def test_refuses_oversize_files_and_reports_every_problem_at_once() -> None:
    big = b"x" * (MAX_FILE_BYTES + 1)
    problems = refused({"adder.py": big, "notes.txt": b"", "web/index.html": big})
    assert len(problems) == 3
    assert any("notes.txt is not one of" in p for p in problems)
    assert sum("a file may be at most 256 KiB" in p for p in problems) == 2


def test_folder_with_links_and_special_files_is_refused_without_reading_them(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "adder.py").symlink_to(secret)
    (submission / "web").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(submission / "pipe")
    with pytest.raises(SubmissionRejected) as caught:
        read_submission_folder(submission, ALLOWED + ("pipe",))
    problems = caught.value.problems
    assert "adder.py is a link; send the file itself" in problems
    assert "web is a link; send the file itself" in problems
    assert "pipe is not a regular file" in problems
    assert not any("top secret" in p for p in problems)


def test_folder_submission_reads_the_files(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "index.html").write_bytes(b"<h1>Hi</h1>")
    (tmp_path / "adder.py").write_bytes(b"def add(a, b):\n    return a + b\n")
    files = read_submission_folder(tmp_path, ALLOWED)
    assert files == {"web/index.html": b"<h1>Hi</h1>", "adder.py": b"def add(a, b):\n    return a + b\n"}
