from files import save_names


def lines_of(path):
    with open(path) as file:
        return [line.strip() for line in file if line.strip()]


def test_save_three_names(tmp_path):
    path = str(tmp_path / "out.txt")
    save_names(["Ann", "Bob", "Cleo"], path)
    result = lines_of(path)
    assert result == ["Ann", "Bob", "Cleo"], f"The file should hold Ann, Bob, Cleo; it holds {result!r}"


def test_save_replaces_the_old_file(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("Old\nNames\n")
    save_names(["New"], str(path))
    result = lines_of(str(path))
    assert result == ["New"], f"save_names should replace what was in the file; it now holds {result!r}"
