"""Run by check_db.py as a learner program (`python3 -c PROBE sign|read`, in the learner's folder):
load the learner's app and use it once. Prints one JSON line: the status code (and the page for `read`).
"""

import json
import sys

sys.path.insert(0, ".")
import app as learner  # noqa: E402

client = learner.app.test_client()
if sys.argv[1] == "sign":
    response = client.post("/sign", data={"name": "Dee", "message": "Saved for later"})
    print(json.dumps({"status": response.status_code}))
else:
    response = client.get("/")
    print(json.dumps({"status": response.status_code, "body": response.get_data(as_text=True)}))
