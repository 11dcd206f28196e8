# Ask for a name and a food, then print two lines.
# The first input() gives you the name, the second one the food.

name = input()

