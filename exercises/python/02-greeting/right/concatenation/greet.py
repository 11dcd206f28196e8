name = input("Name: ")
food = input("Favourite food: ")
print("Hello, " + name + "!")
print(name + " likes " + food + ".")
