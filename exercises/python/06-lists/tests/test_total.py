import pytest
from lists import total


def test_total_of_three_numbers():
    result = total([4, 5, 6])
    assert result == 15, f"total([4, 5, 6]) should give back 15, but it gave back {result!r}"


def test_total_of_prices_with_decimals():
    result = total([1.5, 2.25, 3])
    assert result == pytest.approx(6.75), f"total([1.5, 2.25, 3]) should give back 6.75, not {result!r}"
