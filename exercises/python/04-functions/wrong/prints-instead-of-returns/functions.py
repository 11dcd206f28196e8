def double(number):
    print(number * 2)


def greet(name):
    print(f"Hello, {name}!")


def rectangle_area(width, height):
    print(width * height)
