print("Hello, class!")
