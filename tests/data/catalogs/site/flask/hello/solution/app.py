from flask import Flask, request

app = Flask(__name__)


@app.route("/")
def home():
    return "<h1>Hello from Flask!</h1>"


@app.route("/greet", methods=["POST"])
def greet():
    return f"<p>Hello, {request.form['name']}!</p>"
