from flask import Flask

app = Flask(__name__)


@app.route("/")
def home():
    return "Change me"


# Add the /about route here.

# Add the /hello/<name> route here.
