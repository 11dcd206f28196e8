minutes = int(input())
hours = minutes / 60
left = minutes % 60
print(f"{hours} h {left} min")
