# Write your program below this line.
# Each print(...) shows one line on the screen.

