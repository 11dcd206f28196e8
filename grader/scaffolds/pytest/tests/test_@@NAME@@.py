from @@NAME@@ import double


def test_doubles_a_whole_number():
    assert double(21) == 42


def test_gives_back_a_number_not_text():
    assert isinstance(double(2), int)
