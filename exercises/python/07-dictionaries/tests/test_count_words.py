from dicts import count_words


def test_the_cat_and_the_hat():
    result = count_words("the cat and the hat")
    expected = {"the": 2, "cat": 1, "and": 1, "hat": 1}
    assert result == expected, f'count_words("the cat and the hat") should give {expected}, not {result!r}'


def test_capitals_count_as_the_same_word():
    result = count_words("Go go GO stop")
    expected = {"go": 3, "stop": 1}
    assert result == expected, f'count_words("Go go GO stop") should give back {expected}, not {result!r}'
