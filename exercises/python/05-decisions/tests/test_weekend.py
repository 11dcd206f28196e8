from tickets import is_weekend


def check(day, answer):
    result = is_weekend(day)
    assert result == answer and isinstance(result, bool), (
        f'is_weekend("{day}") should give back {answer}, but it gave back {result!r}'
    )


def test_saturday_is_weekend():
    check("Saturday", True)


def test_sunday_is_weekend():
    check("Sunday", True)


def test_monday_is_not():
    check("Monday", False)
