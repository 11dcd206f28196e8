import pytest
from dicts import basket_total

PRICES = {"bread": 1.2, "milk": 0.9, "eggs": 2.5}


def test_three_items():
    result = basket_total(PRICES, ["bread", "milk", "eggs"])
    assert result == pytest.approx(4.6), f"The basket bread, milk, eggs should cost 4.6, not {result!r}"


def test_the_same_item_twice():
    result = basket_total(PRICES, ["milk", "milk"])
    assert result == pytest.approx(1.8), f"The basket milk, milk should cost 1.8, not {result!r}"


def test_unknown_items_are_skipped():
    result = basket_total(PRICES, ["bread", "caviar"])
    message = f"The basket bread, caviar should cost 1.2 (caviar is unknown), not {result!r}"
    assert result == pytest.approx(1.2), message
