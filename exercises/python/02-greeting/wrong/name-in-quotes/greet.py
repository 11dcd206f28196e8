name = input()
food = input()
print("Hello, name!")
print("name likes food.")
