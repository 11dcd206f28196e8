total = int(input("Minutes: "))
hours, minutes = divmod(total, 60)
print(hours, "h", minutes, "min")
