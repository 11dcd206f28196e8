from flask import Flask, render_template, request

app = Flask(__name__)


@app.get("/")
def show_form():
    return render_template("form.html", error=None)


@app.post("/")
def receive_form():
    name = " ".join(request.form.get("name", "").split())
    if len(name) == 0:
        return render_template("form.html", error="Please type your name.")
    return render_template("thanks.html", name=name)
