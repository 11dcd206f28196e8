def greeting(name, food):
    return "Hello, {}!\n{} likes {}.".format(name, name, food)


person = input()
meal = input()
print(greeting(person, meal))
