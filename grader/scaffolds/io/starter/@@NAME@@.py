# Ask for a name with input(), then print a greeting that uses it.
