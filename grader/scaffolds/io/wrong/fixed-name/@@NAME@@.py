input("What is your name? ")
print("Hello, Ann!")
