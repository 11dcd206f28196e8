import html

from flask import Flask

app = Flask(__name__)


def home():
    return "Hello from Flask!"


def about():
    return "This site is made with " + "Flask."


def hello(name):
    return "Hello, " + html.escape(name) + "!"


app.add_url_rule("/", view_func=home)
app.add_url_rule("/about", view_func=about)
app.add_url_rule("/hello/<name>", view_func=hello)
