from collections import Counter


def count_words(text):
    return dict(Counter(word.lower() for word in text.split()))


def basket_total(prices, basket):
    total = 0
    for item in basket:
        try:
            total += prices[item]
        except KeyError:
            pass
    return total


def most_common(counts):
    best = None
    for word, count in counts.items():
        if best is None or count > counts[best]:
            best = word
    return best
