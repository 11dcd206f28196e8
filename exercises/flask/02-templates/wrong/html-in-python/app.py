from flask import Flask

app = Flask(__name__)

ITEMS = ["bread", "milk", "apples", "rice"]


@app.route("/hello/<name>")
def hello(name):
    head = "<!DOCTYPE html><html><head><title>Hello</title></head>"
    return f"{head}<body><h1>Hello, {name}!</h1></body></html>"


@app.route("/shopping")
def shopping():
    items = "".join(f"<li>{item}</li>" for item in ITEMS)
    return f"<!DOCTYPE html><html><head><title>Shopping</title></head><body><ul>{items}</ul></body></html>"
