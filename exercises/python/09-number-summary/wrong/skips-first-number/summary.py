numbers = []
line = input()
while line != "done":
    line = input()
    if line != "done":
        numbers.append(float(line))

if not numbers:
    print("No numbers.")
else:
    print("Count:", len(numbers))
    print("Total:", sum(numbers))
    print("Average:", sum(numbers) / len(numbers))
