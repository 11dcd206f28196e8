numbers = []
while True:
    line = input("A number (or done): ").strip()
    if line == "done":
        break
    numbers.append(float(line))

if len(numbers) == 0:
    print("No numbers.")
else:
    total = sum(numbers)
    print(f"Count: {len(numbers)}")
    print(f"Total: {total:g}")
    print(f"Average: {total / len(numbers):.2f}")
