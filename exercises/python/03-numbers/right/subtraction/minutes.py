minutes = int(input().strip())
hours = minutes // 60
rest = minutes - hours * 60
print(str(hours) + " h " + str(rest) + " min")
