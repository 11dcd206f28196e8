# Read a number of minutes, then print it as hours and minutes, like: 2 h 5 min

minutes = input()

