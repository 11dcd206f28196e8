def count_words(text):
    counts = {}
    for word in text.lower().split():
        counts[word] = counts.get(word, 0) + 1
    return counts


def basket_total(prices, basket):
    return sum(prices.get(item, 0) for item in basket)


def most_common(counts):
    return max(counts, key=counts.get)
