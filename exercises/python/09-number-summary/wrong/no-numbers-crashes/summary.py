numbers = []
while True:
    line = input()
    if line == "done":
        break
    numbers.append(float(line))

total = sum(numbers)
print("Count:", len(numbers))
print("Total:", total)
print("Average:", total / len(numbers))
