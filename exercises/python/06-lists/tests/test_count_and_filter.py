from lists import count_above, only_even


def test_count_above_10():
    result = count_above([5, 12, 30, 10, 11], 10)
    assert result == 3, f"count_above([5, 12, 30, 10, 11], 10) should give back 3, not {result!r}"


def test_only_even_keeps_the_order():
    result = only_even([1, 2, 3, 4, 10, 7])
    assert result == [2, 4, 10], f"only_even([1, 2, 3, 4, 10, 7]) should give back [2, 4, 10], not {result!r}"


def test_only_even_of_odd_numbers_is_empty():
    result = only_even([1, 3, 5])
    assert result == [], f"only_even([1, 3, 5]) should give back [], not {result!r}"
