double = lambda number: number + number  # noqa: E731
greet = lambda name: "Hello, %s!" % name  # noqa: E731


def rectangle_area(width, height=None):
    """The area of a rectangle; with one side only, of a square."""
    if height is None:
        height = width
    return width * height
