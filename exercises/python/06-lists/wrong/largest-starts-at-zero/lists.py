def total(numbers):
    result = 0
    for number in numbers:
        result += number
    return result


def largest(numbers):
    biggest = 0
    for number in numbers:
        if number > biggest:
            biggest = number
    return biggest


def count_above(numbers, limit):
    count = 0
    for number in numbers:
        if number > limit:
            count += 1
    return count


def only_even(numbers):
    evens = []
    for number in numbers:
        if number % 2 == 0:
            evens.append(number)
    return evens
