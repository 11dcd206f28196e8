def two_fer(name="you"):
    return "One for you, one for me."


if __name__ == "__main__":
    print(two_fer())
