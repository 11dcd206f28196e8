import sqlite3
from contextlib import closing

from flask import Flask, redirect, render_template, request, url_for

app = Flask(__name__)
DATABASE = "guestbook.db"

with closing(sqlite3.connect(DATABASE)) as db:
    db.execute("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, name TEXT, message TEXT)")
    db.commit()


@app.get("/")
def index():
    with closing(sqlite3.connect(DATABASE)) as db:
        rows = db.execute("SELECT name, message FROM messages ORDER BY id ASC").fetchall()
    messages = [{"name": name, "message": message} for name, message in rows]
    return render_template("guestbook.html", messages=messages)


@app.post("/sign")
def sign():
    name = request.form.get("name", "").strip()
    message = request.form.get("message", "").strip()
    if name and message:
        with closing(sqlite3.connect(DATABASE)) as db:
            with db:  # commits when the block ends
                db.execute("INSERT INTO messages (name, message) VALUES (:name, :message)",
                           {"name": name, "message": message})
    return redirect(url_for("index"))
