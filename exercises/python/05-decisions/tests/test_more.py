from tickets import is_weekend, ticket_price


def test_every_age_from_0_to_110():
    for age in range(0, 111):
        if age < 5:
            expected = 0
        elif age < 16:
            expected = 4
        elif age < 65:
            expected = 9
        else:
            expected = 6
        assert ticket_price(age) == expected, f"age {age}"


def test_every_day_of_the_week():
    weekend = {"Saturday", "Sunday"}
    for day in ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]:
        assert is_weekend(day) == (day in weekend), day
