greeting = "Hello, World!"
first = 2
second = 3

print(greeting)
print('I am learning Python.')
print(f"{first} + {second} = {first + second}")
