def double(number):
    return 2 * number


def greet(name):
    return "Hello, " + name + "!"


def rectangle_area(width, height):
    area = width * height
    return area
