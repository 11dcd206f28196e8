"""`grader validate --watch` (grader/watch.py): each save validates again the exercise it belongs to,
and says which files changed and which problems appeared or went away."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from grader.errors import ExerciseInvalid
from grader.exercise import load_exercise
from grader.scaffold import new_exercise
from grader.watch import Watcher, watch


def loading_only(folder: Path) -> tuple[str, list[str]]:
    """Validation without grading: loading finds every mistake in the YAML and the files."""
    try:
        exercise = load_exercise(folder, folder.parent.parent)
    except ExerciseInvalid as error:
        return f"{folder.parent.name}/{folder.name}", [str(mistake) for mistake in error.errors]
    return exercise.key, []


def touch(path: Path, text: str) -> None:
    path.write_text(text)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))  # a save, even within one tick


def test_a_save_validates_that_exercise_again_and_says_what_changed(tmp_path: Path) -> None:
    first = new_exercise(tmp_path, "demo/first", "io").folder
    second = new_exercise(tmp_path, "demo/second", "pytest").folder
    said: list[str] = []
    checked: list[str] = []

    def check(folder: Path) -> tuple[str, list[str]]:
        checked.append(folder.name)
        return loading_only(folder)

    watcher = Watcher([tmp_path], check, said.append)
    watcher.start()
    assert said == ["ok   demo/first", "ok   demo/second"] and sorted(checked) == ["first", "second"]
    said.clear()
    checked.clear()

    yaml_file = first / "exercise.yaml"
    good = yaml_file.read_text()
    touch(yaml_file, good.replace("stdout: \"Hello, Ann!\"", "stdot: \"Hello, Ann!\""))
    watcher.round(watcher.changes())
    assert checked == ["first"]  # only the exercise the saved file belongs to
    assert said[0].endswith("changed: demo/first/exercise.yaml")
    assert said[1] == "FAIL demo/first"
    assert said[2].startswith("     + demo/first/exercise.yaml:") and "unknown key 'stdot'" in said[2]

    said.clear()
    touch(yaml_file, good)
    watcher.round(watcher.changes())
    assert said[1] == "ok   demo/first"
    assert said[2].startswith("     - demo/first/exercise.yaml:") and said[2].endswith("(fixed)")

    said.clear()
    (second / "tests" / "__pycache__").mkdir()
    (second / "tests" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert watcher.changes() == []  # caches and hidden files are not the author's saves

    yaml_file.unlink()
    watcher.round(watcher.changes())
    assert said[-1] == "gone demo/first"


def test_the_loop_stops_when_asked(tmp_path: Path) -> None:
    new_exercise(tmp_path, "demo/first", "io")
    said: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=([tmp_path], loading_only, said.append, stop),
                              kwargs={"poll_s": 0.01, "quiet_s": 0.01})
    thread.start()
    try:
        for _ in range(500):
            if any(line.startswith("Watching") for line in said):
                break
            stop.wait(0.01)
        touch(tmp_path / "demo" / "first" / "instructions.md", "# Changed\n")
        for _ in range(500):
            if any("changed: demo/first/instructions.md" in line for line in said):
                break
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert said[0] == "ok   demo/first"
    assert any("changed: demo/first/instructions.md" in line for line in said), said
    assert said[-1] == "     (still sound)"


def test_an_empty_folder_waits_for_an_exercise(tmp_path: Path) -> None:
    said: list[str] = []
    watcher = Watcher([tmp_path], loading_only, said.append)
    watcher.start()
    assert "No exercise here yet" in said[0]
    new_exercise(tmp_path, "demo/first", "io")
    watcher.round(watcher.changes())
    assert "ok   demo/first" in said
