def read_names(path):
    with open(path) as file:
        return file.readlines()


def save_names(names, path):
    with open(path, "w") as file:
        for name in names:
            file.write(name + "\n")


def add_name(name, path):
    with open(path, "a") as file:
        file.write(name + "\n")
