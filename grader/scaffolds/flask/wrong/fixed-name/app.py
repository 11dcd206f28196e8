from flask import Flask

app = Flask(__name__)


@app.route("/")
def home():
    return "<h1>Welcome</h1>"


@app.route("/hello/<name>")
def hello(name):
    return "<p>Hello, Ann!</p>"
