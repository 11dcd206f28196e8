WEEKEND = ["Saturday", "Sunday"]


def ticket_price(age):
    price = 0
    if 5 <= age <= 15:
        price = 4
    elif 16 <= age <= 64:
        price = 9
    elif age >= 65:
        price = 6
    return price


def is_weekend(day):
    if day in WEEKEND:
        return True
    else:
        return False
