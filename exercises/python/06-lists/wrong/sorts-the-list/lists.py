def total(numbers):
    return sum(numbers)


def largest(numbers):
    numbers.sort()
    return numbers[-1]


def count_above(numbers, limit):
    return len([number for number in numbers if number > limit])


def only_even(numbers):
    return [number for number in numbers if number % 2 == 0]
