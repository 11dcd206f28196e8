"""Does the guestbook keep its messages in guestbook.db? Signs once through the app, looks in the
database file itself, then loads the app again in a new process (a restart) and reads the page.

This script runs as the grader; the learner's code runs only in programs the harness starts for it as
the learner (`learner.run`), which never see this script's verdict pipe nor its files. So probe.py,
which loads the learner's app, is handed to them as a program text."""

import json
import os
import sqlite3

import learner

DATABASE = "guestbook.db"
PROBE = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "probe.py"), encoding="utf-8").read()


def probe(action):
    done = learner.run(["python3", "-c", PROBE, action], timeout=8)
    lines = done.stdout.strip().splitlines()
    if done.timed_out:
        return None, "Your app did not answer within 8 seconds."
    if done.exit_code != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"Your app stopped with an error: {last}"
    try:
        return json.loads(lines[-1]), None
    except json.JSONDecodeError:
        return None, "Your app printed something unexpected while it was used."


def stored_rows():
    if not os.path.exists(DATABASE):
        return None, f"After a message was sent, there is no {DATABASE} file next to app.py."
    try:  # read-only: the file is the learner's
        with sqlite3.connect(f"file:{DATABASE}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT name, message FROM messages").fetchall(), None
    except sqlite3.Error as error:
        expected = "a table messages with the columns name and message"
        return None, f"{DATABASE} could not be read as expected ({expected}): {error}"


def main():
    tests = []
    result, problem = probe("sign")
    if problem is None:
        rows, problem = stored_rows()
        if problem is None and ("Dee", "Saved for later") not in rows:
            problem = "A message was sent to /sign, but it is not in the messages table of guestbook.db."
    tests.append({"name": "A message sent to /sign is saved in guestbook.db",
                  "status": "fail" if problem else "pass", "message": problem or ""})
    page, problem = probe("read")
    if problem is None and "Saved for later" not in page.get("body", ""):
        problem = "After a restart of the app, the message sent before is no longer on the page."
    tests.append({"name": "The message is still shown after the app restarts",
                  "status": "fail" if problem else "pass", "message": problem or ""})
    failed = [t for t in tests if t["status"] != "pass"]
    verdict = {"status": "fail" if failed else "pass",
               "message": failed[0]["message"] if failed else "The messages are kept in the database.",
               "tests": tests}
    with os.fdopen(int(os.environ.get("GRADER_VERDICT_FD", "3")), "w") as out:
        out.write(json.dumps(verdict) + "\n")


if __name__ == "__main__":
    main()
