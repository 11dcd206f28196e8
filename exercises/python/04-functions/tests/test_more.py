"""Many values, none of them in the instructions: an answer written for the examples cannot pass."""

import pytest
from functions import double, greet, rectangle_area

NAMES = ["Zoë", "José", "Li Wei", "O'Brien", "Aïsha", "Kwame", "Jean-Luc", "Siobhán", "X", ""]


def test_double_of_many_numbers():
    for tenths in range(-300, 301, 7):
        number = tenths / 10
        assert double(number) == pytest.approx(number + number), f"double({number})"
    for number in range(-50, 51):
        assert double(number) == number + number, f"double({number})"


def test_greet_any_name():
    for name in NAMES:
        assert greet(name) == "Hello, " + name + "!", f"greet({name!r})"


def test_area_of_many_rectangles():
    for width in range(0, 13):
        for height in (1, 3, 8, 2.5):
            assert rectangle_area(width, height) == pytest.approx(width * height), (
                f"rectangle_area({width}, {height})"
            )
