from flask import Flask, render_template

app = Flask(__name__)

ITEMS = ["bread", "milk", "apples", "rice"]


@app.route("/")
def home():
    return render_template("hello.html", name="friend")


@app.route("/hello/<name>")
def hello(name):
    return render_template("hello.html", name=name)


@app.route("/shopping")
def shopping():
    return render_template("shopping.html", items=ITEMS)
