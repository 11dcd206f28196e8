def ticket_price(age):
    if age < 5:
        return 0
    elif age <= 15:
        return 4
    elif age <= 64:
        return 9
    else:
        return 6


def is_weekend(day):
    return day == "Saturday" or day == "Sunday"
