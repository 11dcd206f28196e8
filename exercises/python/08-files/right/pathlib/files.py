from pathlib import Path


def read_names(path):
    names = []
    for line in Path(path).read_text().split("\n"):
        if line.strip() != "":
            names.append(line.strip())
    return names


def save_names(names, path):
    Path(path).write_text("".join(f"{name}\n" for name in names))


def add_name(name, path):
    with Path(path).open("a") as file:
        file.write(f"{name}\n")
