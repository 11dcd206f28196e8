# Replace each "pass" with your code. Each function must RETURN its answer.


def double(number):
    pass


def greet(name):
    pass


def rectangle_area(width, height):
    pass
