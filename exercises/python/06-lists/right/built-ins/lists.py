def total(numbers):
    return sum(numbers)


def largest(numbers):
    return max(numbers)


def count_above(numbers, limit):
    return len([number for number in numbers if number > limit])


def only_even(numbers):
    return list(filter(lambda number: number % 2 == 0, numbers))
