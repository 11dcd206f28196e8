def total(numbers):
    pass


def largest(numbers):
    pass


def count_above(numbers, limit):
    pass


def only_even(numbers):
    pass
