from lists import largest


def test_largest_in_the_middle():
    result = largest([3, 9, 4])
    assert result == 9, f"largest([3, 9, 4]) should give back 9, but it gave back {result!r}"


def test_largest_at_the_end():
    result = largest([1, 2, 30])
    assert result == 30, f"largest([1, 2, 30]) should give back 30, but it gave back {result!r}"


def test_largest_of_one_number():
    result = largest([7])
    assert result == 7, f"largest([7]) should give back 7, but it gave back {result!r}"
