from flask import Flask, render_template

app = Flask(__name__)

ITEMS = ["bread", "milk", "apples", "rice"]


def page(template, **values):
    """Every page of the site is a template filled with some values."""
    return render_template(template, **values)


@app.route("/")
def home():
    return page("hello.html", name="friend")


@app.route("/hello/<name>")
def hello(name):
    return page("hello.html", name=name)


@app.route("/shopping")
def shopping():
    return page("shopping.html", items=ITEMS)
