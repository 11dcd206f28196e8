def ticket_price(age):
    # under 5: 0, 5 to 15: 4, 16 to 64: 9, 65 and over: 6
    pass


def is_weekend(day):
    # True for "Saturday" and "Sunday", False for any other day
    pass
