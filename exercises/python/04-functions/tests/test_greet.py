from functions import greet


def test_greet_ann():
    result = greet("Ann")
    assert result == "Hello, Ann!", f'greet("Ann") should give back "Hello, Ann!", not {result!r}'


def test_greet_bob():
    result = greet("Bob")
    assert result == "Hello, Bob!", f'greet("Bob") should give back "Hello, Bob!", not {result!r}'
