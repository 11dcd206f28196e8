from flask import Flask, render_template_string

app = Flask(__name__)


@app.get("/")
def index():
    return "<p>Hello from Flask!</p>"


@app.get("/about")
def about_page():
    return "<p>This site is made with Flask.</p>"


@app.get("/hello/<person>")
def greet(person):
    return render_template_string("<h1>Hello, {{ person }}!</h1>", person=person)
