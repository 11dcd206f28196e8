"""Are the pages made by the templates? Renders templates/shopping.html and templates/hello.html with
other values than the app's own (five other items; a name with a tag in it): a list typed into the
template, or HTML built in Python, does not show them.

This script runs as the grader; the learner's templates are rendered by render_probe.py, handed to a
learner program as its text (`learner.run`), like every piece of the learner's work."""

import json
import os
from html.parser import HTMLParser

import learner

PROBE = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "render_probe.py"), encoding="utf-8").read()
ITEMS = ["tea", "soap", "eggs", "jam", "oil"]
NAME = "Zoë <b>Bo</b>"


class Texts(HTMLParser):
    """The text of every element with one of `tags`, and how many elements of `extra` tags there are."""

    def __init__(self, tags):
        super().__init__(convert_charrefs=True)
        self.tags, self.found, self.open, self.bold = tags, [], None, 0

    def handle_starttag(self, tag, attrs):
        if tag in self.tags:
            self.open = []
        elif tag == "b":
            self.bold += 1

    def handle_endtag(self, tag):
        if tag in self.tags and self.open is not None:
            self.found.append(" ".join("".join(self.open).split()))
            self.open = None

    def handle_data(self, data):
        if self.open is not None:
            self.open.append(data)


def texts(page, tags):
    parser = Texts(tags)
    parser.feed(page)
    return parser


def rendered():
    done = learner.run(["python3", "-c", PROBE], timeout=8)
    if done.timed_out:
        return None, "Your templates took longer than 8 seconds to fill in."
    lines = done.stdout.strip().splitlines()
    if done.exit_code != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"Your templates could not be filled in: {last}"
    try:
        return json.loads(lines[-1]), None
    except json.JSONDecodeError:
        return None, "Something unexpected was printed while your templates were filled in."


def main():
    pages, problem = rendered()
    shopping_problem = hello_problem = problem
    if pages is not None:
        items = texts(pages["shopping"], {"li"}).found
        if items != ITEMS:
            shopping_problem = (
                "Given the items tea, soap, eggs, jam and oil, templates/shopping.html should show one <li> "
                f"for each, in that order; it shows {len(items)} item(s): {', '.join(items) or 'none'}. "
                "Let a {% for %} loop make the items."
            )
        heading = texts(pages["hello"], {"h1"})
        if heading.found[:1] != [f"Hello, {NAME}!"] or heading.bold:
            hello_problem = (
                "Given a name, templates/hello.html should show it in the heading, as plain text: "
                "Hello, {{ name }}!"
            )
    tests = [
        {"name": "templates/shopping.html shows whatever items it is given",
         "status": "fail" if shopping_problem else "pass", "message": shopping_problem or ""},
        {"name": "templates/hello.html shows whatever name it is given",
         "status": "fail" if hello_problem else "pass", "message": hello_problem or ""},
    ]
    failed = [test for test in tests if test["status"] != "pass"]
    verdict = {"status": "fail" if failed else "pass",
               "message": failed[0]["message"] if failed else "The pages are made by the templates.",
               "tests": tests}
    with os.fdopen(int(os.environ.get("GRADER_VERDICT_FD", "3")), "w") as out:
        out.write(json.dumps(verdict) + "\n")


if __name__ == "__main__":
    main()
