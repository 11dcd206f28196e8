def read_names(path):
    pass


def save_names(names, path):
    pass


def add_name(name, path):
    pass
