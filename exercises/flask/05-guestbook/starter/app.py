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
    messages = []  # TODO: read the messages from the database, oldest first
    return render_template("guestbook.html", messages=messages)


@app.route("/sign", methods=["POST"])
def sign():
    # TODO: read the name and the message from the form,
    #       save them in the database if neither is empty,
    #       then send the visitor back to the home page.
    return redirect("/")
