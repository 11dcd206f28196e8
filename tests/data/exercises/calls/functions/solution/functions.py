def double(number):
    return number * 2


def greet(name):
    return f"Hello, {name}!"


def average(numbers):
    return sum(numbers) / len(numbers)


def divide(a, b):
    return a / b


def pair(a, b):
    return (a, b)


def count_words(text):
    counts = {}
    for word in text.split():
        counts[word] = counts.get(word, 0) + 1
    return counts


class AgeError(ValueError):
    pass


def check_age(age):
    if age < 0:
        raise AgeError("an age is never negative")
    return age >= 18
