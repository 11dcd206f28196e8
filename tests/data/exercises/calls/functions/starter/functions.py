def double(number):
    pass


def greet(name):
    pass
