from files import add_name


def lines_of(path):
    with open(path) as file:
        return [line.strip() for line in file if line.strip()]


def test_add_keeps_the_old_names(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Ann\nBob\n")
    add_name("Cleo", str(path))
    result = lines_of(str(path))
    assert result == ["Ann", "Bob", "Cleo"], f"After adding Cleo to Ann, Bob the file holds {result!r}"


def test_add_twice(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Ann\n")
    add_name("Bob", str(path))
    add_name("Cleo", str(path))
    result = lines_of(str(path))
    assert result == ["Ann", "Bob", "Cleo"], f"After adding Bob then Cleo to Ann the file holds {result!r}"
