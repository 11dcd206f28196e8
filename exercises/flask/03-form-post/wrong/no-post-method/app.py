from flask import Flask, render_template, request

app = Flask(__name__)


@app.route("/")
def signup():
    name = request.args.get("name", "").strip()
    if name:
        return render_template("thanks.html", name=name)
    return render_template("form.html")
