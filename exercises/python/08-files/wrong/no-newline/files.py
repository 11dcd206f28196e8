def read_names(path):
    names = []
    with open(path) as file:
        for line in file:
            if line.strip() != "":
                names.append(line.strip())
    return names


def save_names(names, path):
    with open(path, "w") as file:
        for name in names:
            file.write(name)


def add_name(name, path):
    with open(path, "a") as file:
        file.write(name)
