def double(number):
    return number * 2


def greet(name):
    return f"Hello, {name}!"


def rectangle_area(width, height):
    return width * height
