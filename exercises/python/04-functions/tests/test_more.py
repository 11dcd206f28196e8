import pytest
from functions import double, greet, rectangle_area


def test_double_of_zero_and_negative():
    assert double(0) == 0
    assert double(-7) == -14


def test_double_of_a_decimal():
    assert double(2.5) == pytest.approx(5.0)


def test_greet_a_long_name():
    assert greet("Mary Jane") == "Hello, Mary Jane!"


def test_area_of_a_square_and_decimals():
    assert rectangle_area(7, 7) == 49
    assert rectangle_area(1.5, 2) == pytest.approx(3.0)
