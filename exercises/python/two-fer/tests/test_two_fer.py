from two_fer import two_fer


def test_no_name():
    assert two_fer() == "One for you, one for me."


def test_a_name():
    assert two_fer("Alice") == "One for Alice, one for me."


def test_another_name():
    assert two_fer("Bob") == "One for Bob, one for me."


def test_empty_name_is_kept():
    assert two_fer("") == "One for , one for me."
