"""Does Python work out the sum? The third line could be typed as text ("2 + 3 = 5") and look the same,
so this reads hello.py (without running it) for a sum Python computes: a + whose two sides are not
both text, like `2 + 3`, `first + second` or `{2 + 3}` in an f-string."""

import ast
import json
import os

PASSED = "Python works out the sum."
TYPED = ("The sum is typed as text, so Python does not work it out. Put the sum outside the quotes: "
         'print("2 + 3 =", 2 + 3).')


def is_text(node):
    return isinstance(node, ast.JoinedStr) or isinstance(node, ast.Constant) and isinstance(node.value, str)


def computes_a_sum(tree):
    return any(isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)
               and not (is_text(node.left) and is_text(node.right)) for node in ast.walk(tree))


def verdict():
    try:
        with open("hello.py", encoding="utf-8") as file:
            tree = ast.parse(file.read())
    except FileNotFoundError:
        return "fail", "There is no hello.py yet."
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return "fail", "hello.py could not be read as Python: run it to see the error."
    return ("pass", PASSED) if computes_a_sum(tree) else ("fail", TYPED)


def main():
    status, message = verdict()
    with os.fdopen(int(os.environ.get("GRADER_VERDICT_FD", "3")), "w") as out:
        out.write(json.dumps({"status": status, "message": message}) + "\n")


if __name__ == "__main__":
    main()
