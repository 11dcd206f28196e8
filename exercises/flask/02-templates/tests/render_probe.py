"""Run by check_templates.py as a learner program (`python3 -c PROBE`, in the learner's folder): render
the learner's two templates with other values than the app's, and print the pages as one JSON line."""

import json
import os

from flask import Flask, render_template

app = Flask("probe", template_folder=os.path.abspath("templates"))
with app.test_request_context():
    pages = {
        "shopping": render_template("shopping.html", items=["tea", "soap", "eggs", "jam", "oil"]),
        "hello": render_template("hello.html", name="Zoë <b>Bo</b>"),
    }
print(json.dumps(pages))
