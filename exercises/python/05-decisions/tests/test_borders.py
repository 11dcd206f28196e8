from tickets import ticket_price


def check(age, price):
    result = ticket_price(age)
    assert result == price, f"ticket_price({age}) should give back {price}, but it gave back {result!r}"


def test_age_4_pays_0():
    check(4, 0)


def test_age_5_pays_4():
    check(5, 4)


def test_age_15_pays_4():
    check(15, 4)


def test_age_16_pays_9():
    check(16, 9)


def test_age_64_pays_9():
    check(64, 9)


def test_age_65_pays_6():
    check(65, 6)
