def read_numbers():
    numbers = []
    line = input("Number, or done: ")
    while line != "done":
        numbers.append(float(line))
        line = input("Number, or done: ")
    return numbers


numbers = read_numbers()
if numbers:
    average = sum(numbers) / len(numbers)
    print(f"Count: {len(numbers)}\nTotal: {sum(numbers)}\nAverage: {average}")
else:
    print("No numbers.")
