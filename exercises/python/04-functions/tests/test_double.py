from functions import double


def test_double_of_5_is_10():
    result = double(5)
    assert result == 10, f"double(5) should give back 10, but it gave back {result!r}"


def test_double_of_21_is_42():
    result = double(21)
    assert result == 42, f"double(21) should give back 42, but it gave back {result!r}"
