def total(numbers):
    return sum(numbers)


def largest(numbers):
    return max(numbers)


def count_above(numbers, limit):
    count = 0
    for number in numbers:
        if number >= limit:
            count += 1
    return count


def only_even(numbers):
    return [number for number in numbers if number % 2 == 0]
