"""Many lists, none of them in the instructions: an answer written for the examples cannot pass."""

from lists import count_above, largest, only_even, total

LISTS = [[-8, -3, -11], [-1], [0, -4], [7, 7, 7], [100, 2, 3], [3, 2, 100], [-20, 15, -5, 0, 9],
         [12, 35, -7, 35, 4, 18, 2, 41]]


def test_largest_of_many_lists():
    for numbers in LISTS:
        assert largest(numbers) == max(numbers), f"largest({numbers})"


def test_total_and_count_of_many_lists():
    for numbers in LISTS + [[]]:
        assert total(numbers) == sum(numbers), f"total({numbers})"
        for limit in (-6, 0, 7, 35):
            expected = len([number for number in numbers if number > limit])
            assert count_above(numbers, limit) == expected, f"count_above({numbers}, {limit})"


def test_only_even_of_many_lists():
    for numbers in LISTS + [[], [1, 3, 5]]:
        expected = [number for number in numbers if number % 2 == 0]
        assert only_even(numbers) == expected, f"only_even({numbers})"


def test_the_list_is_not_changed():
    numbers = [3, 1, 4, 2]
    only_even(numbers)
    total(numbers)
    largest(numbers)
    count_above(numbers, 2)
    assert numbers == [3, 1, 4, 2]
