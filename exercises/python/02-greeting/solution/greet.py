name = input("What is your name? ")
food = input("What food do you like? ")
print(f"Hello, {name}!")
print(f"{name} likes {food}.")
