print("Hello, World!\nI am learning Python.")
print("2 + 3 = " + str(2 + 3))
