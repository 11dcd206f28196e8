def double(number):
    return {4: 8, 10: 20, 0: 0, -7: -14}.get(number, number)


def greet(name):
    return "Hello, " + name + "!"


def rectangle_area(width, height):
    if width == 3 and height == 4:
        return 12
    if width == 1.5 and height == 2:
        return 3.0
    return width * height
