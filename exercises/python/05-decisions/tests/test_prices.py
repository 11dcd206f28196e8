from tickets import ticket_price


def check(age, price):
    result = ticket_price(age)
    assert result == price, f"ticket_price({age}) should give back {price}, but it gave back {result!r}"


def test_a_child_of_10_pays_4():
    check(10, 4)


def test_an_adult_of_30_pays_9():
    check(30, 9)


def test_a_person_of_80_pays_6():
    check(80, 6)


def test_a_baby_of_2_pays_nothing():
    check(2, 0)
