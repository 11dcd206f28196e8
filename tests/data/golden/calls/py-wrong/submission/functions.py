# The mistakes beginners make: printing instead of returning, a text instead of a number, a wrong
# formula, the wrong error, an error where a value was expected.
def double(number):
    if number == 21:
        return number + 2
    print(number * 2)


def greet(name):
    return "Hello, " + name


def average(numbers):
    return str(sum(numbers) // len(numbers))


def divide(a, b):
    if b == 0:
        return 0
    return a / b


def pair(a, b):
    return [a, b]


def count_words(text):
    return {word: 1 for word in text.split()}


def check_age(age):
    if age < 0:
        raise TypeError("negative")
    return {"adult": age >= 18}
