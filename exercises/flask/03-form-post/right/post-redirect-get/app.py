from flask import Flask, redirect, render_template, request, session, url_for

app = Flask(__name__)
app.secret_key = "workshop-practice-key"


@app.route("/", methods=["GET", "POST"])
def signup():
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        if not name:
            return render_template("form.html", error="Please type your name.")
        session["name"] = name
        return redirect(url_for("thanks"))
    return render_template("form.html")


@app.route("/thanks")
def thanks():
    return render_template("thanks.html", name=session.get("name", "friend"))
