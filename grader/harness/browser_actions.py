"""The check's actions, done in the browser as a user would: a click is a real mouse click at the
element's centre (so a hidden or covered button cannot be clicked), a key press a real key press.
Typing into fields, choosing, ticking and submitting go through the page's DOM.

A `dom` check's actions are done as a script would (`scripted`): a click is the element's `click()`
and a key press the keydown, keypress and keyup events sent to the element, as that kind always did."""

import time

KEYS = {
    "Enter": ("Enter", 13, "\r"),
    "Tab": ("Tab", 9, ""),
    "Escape": ("Escape", 27, ""),
    "Backspace": ("Backspace", 8, ""),
    "Delete": ("Delete", 46, ""),
    " ": ("Space", 32, " "),
    "ArrowLeft": ("ArrowLeft", 37, ""),
    "ArrowUp": ("ArrowUp", 38, ""),
    "ArrowRight": ("ArrowRight", 39, ""),
    "ArrowDown": ("ArrowDown", 40, ""),
}
WAIT_FOR_CAP_S = 5.0
POLL_S = 0.05
VERBS = ("click", "fill", "select", "check", "submit", "press", "wait", "wait_for")


class ActionFailed(Exception):
    """An action could not be done; its text says why, in words for the learner."""


def verb_of(action):
    return next(verb for verb in VERBS if verb in action)


def perform(run, actions, scripted=False):
    """Do `actions` in order on the current page, following it to another document if one takes it
    there, and letting it settle after each one."""
    for action in actions:
        verb = verb_of(action)
        run.before_action()
        if verb == "wait":
            run.connection.pause(int(action["wait"]) / 1000, run.deadline)
        elif verb == "wait_for":
            wait_for(run, action["wait_for"])
        elif verb == "click" and not scripted:
            click(run, action["click"])
        elif verb == "press" and not scripted:
            press(run, action["press"], action["key"])
        else:
            problem = run.helper("act", verb, action[verb], action.get("value", action.get("key")))
            if problem == "missing":
                raise ActionFailed(missing(action[verb], verb))
            if problem == "no-form":
                raise ActionFailed(f"`{action[verb]}` is not inside a form, so it could not be submitted.")
        run.after_action()
        run.helper("settle")


def missing(selector, verb):
    return f"No element on the page matches `{selector}`, so it could not be used ({verb})."


def click(run, selector):
    spot = run.helper("locate", selector)
    problem = spot.get("problem")
    if problem == "missing":
        raise ActionFailed(missing(selector, "click"))
    if problem == "hidden":
        raise ActionFailed(f"`{selector}` is not visible, so it could not be clicked.")
    if problem == "covered":
        raise ActionFailed(f"`{selector}` is covered by `{spot['by']}`, so a click does not reach it.")
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        event = {"type": kind, "x": spot["x"], "y": spot["y"], "button": "left", "clickCount": 1}
        if kind == "mouseMoved":
            event.update(button="none", clickCount=0)
        run.call("Input.dispatchMouseEvent", event)


def press(run, selector, key):
    if run.helper("act", "focus", selector, None) == "missing":
        raise ActionFailed(missing(selector, "press"))
    code, number, text = KEYS.get(key, (f"Key{key.upper()}" if len(key) == 1 else key, 0, key[:1]))
    if len(key) > 1 and key not in KEYS:
        text = ""
    down = {"type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": number, "text": text}
    run.call("Input.dispatchKeyEvent", down if text else {**down, "type": "rawKeyDown"})
    run.call("Input.dispatchKeyEvent", {"type": "keyUp", "key": key, "code": code,
                                        "windowsVirtualKeyCode": number})


def wait_for(run, selector):
    until = time.monotonic() + WAIT_FOR_CAP_S
    while not run.helper("exists", selector):
        if time.monotonic() >= until:
            waited = f"waited {WAIT_FOR_CAP_S:g} seconds"
            raise ActionFailed(f"`{selector}` never appeared on the page ({waited}).")
        run.connection.pause(POLL_S, run.deadline)
