def total(numbers):
    result = 0
    index = 0
    while index < len(numbers):
        result += numbers[index]
        index += 1
    return result


def largest(numbers):
    biggest = None
    for number in numbers:
        if biggest is None or number > biggest:
            biggest = number
    return biggest


def count_above(numbers, limit):
    return sum(1 for number in numbers if number > limit)


def only_even(numbers):
    evens = []
    for number in numbers:
        if number % 2 != 0:
            continue
        evens = evens + [number]
    return evens
