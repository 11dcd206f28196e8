from flask import Flask, redirect, render_template, request

app = Flask(__name__)
MESSAGES = []


@app.route("/")
def index():
    return render_template("guestbook.html", messages=MESSAGES)


@app.route("/sign", methods=["POST"])
def sign():
    name = request.form.get("name", "").strip()
    message = request.form.get("message", "").strip()
    if name and message:
        MESSAGES.append({"name": name, "message": message})
    return redirect("/")
