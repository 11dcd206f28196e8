# Read numbers, one a line, until the word done.
# Then print the count, the total and the average - or "No numbers." if there were none.

numbers = []

