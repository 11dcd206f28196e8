def read_names(path):
    with open(path, encoding="utf-8") as file:
        text = file.read()
    return [line.strip() for line in text.splitlines() if line.strip()]


def save_names(names, path):
    with open(path, "w", encoding="utf-8") as file:
        file.writelines(name + "\n" for name in names)


def add_name(name, path):
    with open(path, "a", encoding="utf-8") as file:
        print(name, file=file)
