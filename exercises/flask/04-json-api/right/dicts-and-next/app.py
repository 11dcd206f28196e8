from flask import Flask

app = Flask(__name__)

BOOKS = [
    {"id": 1, "title": "Things Fall Apart", "author": "Chinua Achebe", "year": 1958},
    {"id": 2, "title": "Small Island", "author": "Andrea Levy", "year": 2004},
    {"id": 3, "title": "The Hobbit", "author": "J. R. R. Tolkien", "year": 1937},
]


@app.get("/api/books")
def books():
    return {"books": BOOKS}["books"]


@app.get("/api/books/<int:book_id>")
def book(book_id):
    found = next((book for book in BOOKS if book["id"] == book_id), None)
    if found is None:
        return {"error": "Book not found"}, 404
    return found
