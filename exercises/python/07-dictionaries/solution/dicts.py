def count_words(text):
    counts = {}
    for word in text.lower().split():
        if word in counts:
            counts[word] = counts[word] + 1
        else:
            counts[word] = 1
    return counts


def basket_total(prices, basket):
    total = 0
    for item in basket:
        if item in prices:
            total = total + prices[item]
    return total


def most_common(counts):
    best = None
    for word in counts:
        if best is None or counts[word] > counts[best]:
            best = word
    return best
