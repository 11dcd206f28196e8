def double(number):
    return number * 2


def greet(name):
    while True:
        pass
