def count_words(text):
    pass


def basket_total(prices, basket):
    pass


def most_common(counts):
    pass
