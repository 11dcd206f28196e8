import pytest
from dicts import basket_total, count_words, most_common


def test_a_text_of_blanks_only():
    assert count_words(" \n\t ") == {}


def test_one_word_many_times():
    assert count_words("la la la la") == {"la": 4}


def test_words_are_not_changed_otherwise():
    assert count_words("Rain falls on rain") == {"rain": 2, "falls": 1, "on": 1}


def test_empty_and_unknown_baskets():
    prices = {"tea": 3}
    assert basket_total(prices, []) == 0
    assert basket_total(prices, ["coffee", "cake"]) == 0
    assert basket_total(prices, ["tea", "tea", "tea"]) == pytest.approx(9)


def test_most_common_first_and_one_word():
    assert most_common({"z": 10, "y": 2}) == "z"
    assert most_common({"only": 1}) == "only"
