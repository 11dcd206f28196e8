from flask import Flask, jsonify

app = Flask(__name__)

BOOKS = [
    {"id": 1, "title": "Things Fall Apart", "author": "Chinua Achebe", "year": 1958},
    {"id": 2, "title": "Small Island", "author": "Andrea Levy", "year": 2004},
    {"id": 3, "title": "The Hobbit", "author": "J. R. R. Tolkien", "year": 1937},
]


@app.route("/api/books")
def all_books():
    return jsonify(BOOKS)


@app.route("/api/books/<int:book_id>")
def one_book(book_id):
    try:
        return jsonify(BOOKS[book_id - 1])
    except IndexError:
        return jsonify({"error": "Book not found"}), 404
