from dicts import most_common


def test_most_common_word():
    result = most_common({"the": 2, "cat": 1, "hat": 1})
    assert result == "the", f'most_common({{"the": 2, "cat": 1, "hat": 1}}) should give "the", not {result!r}'


def test_most_common_last():
    result = most_common({"a": 1, "b": 3, "c": 7})
    assert result == "c", f'most_common({{"a": 1, "b": 3, "c": 7}}) should give back "c", not {result!r}'


def test_a_tie_may_give_either_word():
    result = most_common({"yes": 2, "no": 2, "maybe": 1})
    assert result in ("yes", "no"), f'"yes" and "no" both appear 2 times: either is right, not {result!r}'
