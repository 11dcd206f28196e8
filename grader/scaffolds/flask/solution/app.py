from flask import Flask
from markupsafe import escape

app = Flask(__name__)


@app.route("/")
def home():
    return "<h1>Welcome</h1>"


@app.route("/hello/<name>")
def hello(name):
    return f"<p>Hello, {escape(name)}!</p>"
