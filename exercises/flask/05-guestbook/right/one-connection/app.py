import sqlite3

from flask import Flask, redirect, render_template, request

app = Flask(__name__)

db = sqlite3.connect("guestbook.db", check_same_thread=False)
db.execute("""
    CREATE TABLE IF NOT EXISTS messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        message TEXT NOT NULL
    )
""")
db.commit()


@app.route("/")
def index():
    cursor = db.cursor()
    cursor.execute("SELECT name, message FROM messages ORDER BY id")
    return render_template("guestbook.html", messages=cursor.fetchall())


@app.route("/sign", methods=["POST"])
def sign():
    name = request.form["name"].strip()
    message = request.form["message"].strip()
    if len(name) > 0 and len(message) > 0:
        db.execute("INSERT INTO messages (name, message) VALUES (?, ?)", [name, message])
        db.commit()
    return redirect("/", code=303)
