from flask import Flask, render_template

app = Flask(__name__)

ITEMS = ["bread", "milk", "apples", "rice"]


@app.get("/")
def home():
    return render_template("hello.html", name="friend")


@app.get("/hello/<who>")
def greet(who):
    page = render_template("hello.html", name=who)
    return page


@app.get("/shopping")
def shopping_list():
    return render_template("shopping.html", items=list(ITEMS), title="Shopping")
