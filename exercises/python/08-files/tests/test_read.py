from files import read_names


def test_three_names(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Ann\nBob\nCleo\n")
    result = read_names(str(path))
    assert result == ["Ann", "Bob", "Cleo"], f"For a file with Ann, Bob, Cleo you gave back {result!r}"


def test_empty_lines_are_skipped(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Ann\n\nBob\n")
    result = read_names(str(path))
    assert result == ["Ann", "Bob"], f"Empty lines should be skipped: you gave back {result!r}"
