from flask import Flask, render_template

app = Flask(__name__)

ITEMS = ["bread", "milk", "apples", "rice"]


@app.route("/")
def home():
    return render_template("hello.html", name="friend")


# Add the route /hello/<name> here: it shows templates/hello.html with the name.

# Add the route /shopping here: it shows templates/shopping.html with ITEMS.
