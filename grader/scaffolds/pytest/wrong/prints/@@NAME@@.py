def double(number):
    print(number * 2)
