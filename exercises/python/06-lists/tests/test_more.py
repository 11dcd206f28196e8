from lists import count_above, largest, only_even, total


def test_largest_of_negative_numbers():
    assert largest([-5, -2, -9]) == -2


def test_largest_first():
    assert largest([100, 2, 3]) == 100


def test_empty_lists():
    assert total([]) == 0
    assert count_above([], 3) == 0
    assert only_even([]) == []


def test_negative_numbers():
    assert total([-1, -2, 10]) == 7
    assert count_above([-5, -1, 0, 1], -2) == 3
    assert only_even([-4, -3, 0]) == [-4, 0]


def test_the_list_is_not_changed():
    numbers = [1, 2, 3, 4]
    only_even(numbers)
    total(numbers)
    assert numbers == [1, 2, 3, 4]
