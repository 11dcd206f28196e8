import sys

numbers = [int(word) for word in sys.stdin.read().split()]
count = 0
while count < len(numbers) or not numbers:
    pass  # forgot to add one to count: this loop never ends, whatever the input
print(f"count: {len(numbers)}")
