import json
import os

page = open("index.html").read()
ok = "<h1>Welcome</h1>" in page
verdict = {"status": "pass" if ok else "fail", "message": "" if ok else "No Welcome heading."}
with os.fdopen(int(os.environ["GRADER_VERDICT_FD"]), "w") as out:
    json.dump(verdict, out)
