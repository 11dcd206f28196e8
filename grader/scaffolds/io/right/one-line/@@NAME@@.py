print("Hello, " + input("What is your name? ") + "!")
