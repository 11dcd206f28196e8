def ticket_price(age):
    if age >= 65:
        return 6
    if age >= 16:
        return 9
    if age >= 5:
        return 4
    return 0


def is_weekend(day):
    return day in ("Saturday", "Sunday")
