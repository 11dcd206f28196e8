import sqlite3

from flask import Flask, redirect, render_template, request

app = Flask(__name__)
DATABASE = "guestbook.db"


def get_db():
    """Open the database. Rows can be read by column name: row["name"]."""
    connection = sqlite3.connect(DATABASE)
    connection.row_factory = sqlite3.Row
    return connection


def create_table():
    """Make the table for the messages, the first time the app starts."""
    connection = get_db()
    connection.execute(
        "CREATE TABLE IF NOT EXISTS messages ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " name TEXT NOT NULL,"
        " message TEXT NOT NULL)"
    )
    connection.commit()
    connection.close()


create_table()


@app.route("/")
def index():
    connection = get_db()
    messages = connection.execute("SELECT name, message FROM messages ORDER BY id").fetchall()
    connection.close()
    return render_template("guestbook.html", messages=messages)


@app.route("/sign", methods=["POST"])
def sign():
    name = request.form.get("name", "").strip()
    message = request.form.get("message", "").strip()
    if name != "" and message != "":
        connection = get_db()
        connection.execute(f"INSERT INTO messages (name, message) VALUES ('{name}', '{message}')")
        connection.commit()
        connection.close()
    return redirect("/")
