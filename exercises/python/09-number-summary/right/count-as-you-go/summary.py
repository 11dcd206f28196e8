count = 0
total = 0.0
while True:
    answer = input()
    if answer.strip().lower() == "done":
        break
    count += 1
    total += float(answer)

if count == 0:
    print("No numbers.")
else:
    print("Count:", count)
    print("Total:", total)
    print("Average:", round(total / count, 2))
