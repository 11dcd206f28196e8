def double(number):
    return number + number


def greet(name):
    return "Hello " + name + "!"


def rectangle_area(width, height):
    return width * height
