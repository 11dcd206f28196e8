from flask import Flask, render_template, request

app = Flask(__name__)


@app.route("/", methods=["GET", "POST"])
def signup():
    if request.method == "POST":
        return render_template("thanks.html", name=request.form["name"])
    return render_template("form.html")
