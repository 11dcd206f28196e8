from flask import Flask
from markupsafe import escape

app = Flask(__name__)


@app.route("/")
def home():
    return "Hello from Flask!"


@app.route("/about")
def about():
    return "This site is made with Flask."


@app.route("/hello/<name>")
def hello(name):
    return f"Hello, {escape(name)}!"
