from flask import Flask, render_template, request

app = Flask(__name__)


@app.route("/", methods=["GET", "POST"])
def signup():
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        if name == "":
            return render_template("form.html", error="Please type your name.")
        return render_template("thanks.html", name=name)
    return render_template("form.html")
