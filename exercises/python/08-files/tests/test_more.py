from files import add_name, read_names, save_names


def test_untidy_file(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("  Ann  \n\n\n Bob\n   \nCleo")
    assert read_names(str(path)) == ["Ann", "Bob", "Cleo"]


def test_empty_file(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("")
    assert read_names(str(path)) == []


def test_names_with_spaces_round_trip(tmp_path):
    path = str(tmp_path / "names.txt")
    names = ["Mary Jane", "Li Wei", "Zoë"]
    save_names(names, path)
    assert read_names(path) == names


def test_add_names_with_spaces(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Mary Jane\n")
    add_name("Ben Ali", str(path))
    assert read_names(str(path)) == ["Mary Jane", "Ben Ali"]


def test_many_names(tmp_path):
    path = str(tmp_path / "names.txt")
    names = [f"Person {n}" for n in range(200)]
    save_names(names, path)
    assert read_names(path) == names


def test_add_to_a_new_file(tmp_path):
    path = str(tmp_path / "new.txt")
    add_name("First", path)
    assert read_names(path) == ["First"]
