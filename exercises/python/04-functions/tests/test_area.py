from functions import rectangle_area


def test_area_3_by_4():
    result = rectangle_area(3, 4)
    assert result == 12, f"rectangle_area(3, 4) should give back 12, but it gave back {result!r}"


def test_area_10_by_2():
    result = rectangle_area(10, 2)
    assert result == 20, f"rectangle_area(10, 2) should give back 20, but it gave back {result!r}"
