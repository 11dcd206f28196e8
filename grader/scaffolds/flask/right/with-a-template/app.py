from flask import Flask, render_template_string

app = Flask(__name__)
PAGE = "<!DOCTYPE html><title>Hello</title><h1>{{ heading }}</h1><p>{{ text }}</p>"


@app.route("/")
def home():
    return render_template_string(PAGE, heading="Welcome", text="")


@app.route("/hello/<name>")
def hello(name):
    return render_template_string(PAGE, heading="Hello", text=f"Hello, {name}!")
