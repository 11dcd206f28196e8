print("Hello, World!")
print("I am learning Python.")
print("2 + 3 = 6")
