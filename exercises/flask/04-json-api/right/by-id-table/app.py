from flask import Flask, abort, jsonify

app = Flask(__name__)

BOOKS = [
    {"id": 1, "title": "Things Fall Apart", "author": "Chinua Achebe", "year": 1958},
    {"id": 2, "title": "Small Island", "author": "Andrea Levy", "year": 2004},
    {"id": 3, "title": "The Hobbit", "author": "J. R. R. Tolkien", "year": 1937},
]
BY_ID = {book["id"]: book for book in BOOKS}


@app.errorhandler(404)
def not_found(error):
    return jsonify(error="Book not found"), 404


@app.route("/api/books", methods=["GET"])
def list_books():
    return jsonify(BOOKS)


@app.route("/api/books/<int:book_id>", methods=["GET"])
def get_book(book_id):
    if book_id not in BY_ID:
        abort(404)
    return jsonify(BY_ID[book_id])
