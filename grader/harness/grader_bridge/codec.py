"""Values on the bridge. Plain data crosses by value and is rebuilt as exact built-in types; anything
else crosses as a handle, which each side turns into what it stands for.

    None, bool, int, float (nan and inf too), str     JSON's own
    list                                              a JSON array
    tuple, set, frozenset, dict, bytes, slice         {"$t": [...]}, {"$s": [...]}, {"$f": [...]},
                                                      {"$d": [[key, value], ...]}, {"$b": "base64"},
                                                      {"$sl": [start, stop, step]}
    anything else                                     {"$h": ...}, {"$e": ...}, {"$c": ...}, {"$p": ...}
                                                      (handles: see proxies.py and learner_server.py)

Only exact types are plain: a subclass of str or int is a handle, so that no method of the learner's
ever runs where the tests compare.
"""

import base64
import binascii

MAX_DEPTH = 64
HANDLE_TAGS = ("$h", "$e", "$c", "$p")


class CodecError(Exception):
    """A value that cannot cross (too deep, or of a kind the other side cannot take)."""


def encode(value, handle_of, depth=0):
    """`value` as JSON-ready data; `handle_of(value)` gives the tagged dict of anything not plain."""
    if depth > MAX_DEPTH:
        raise CodecError(f"the value is nested more than {MAX_DEPTH} levels deep")
    kind = type(value)
    if value is None or kind is bool or kind is str or kind is float:
        return value
    if kind is int:
        if value.bit_length() > 4096:  # JSON cannot take it back (int digit limit): a handle instead
            return handle_of(value)
        return value
    deeper = depth + 1
    if kind is list:
        return [encode(item, handle_of, deeper) for item in value]
    if kind is tuple:
        return {"$t": [encode(item, handle_of, deeper) for item in value]}
    if kind is set:
        return {"$s": [encode(item, handle_of, deeper) for item in value]}
    if kind is frozenset:
        return {"$f": [encode(item, handle_of, deeper) for item in value]}
    if kind is dict:
        pairs = value.items()
        return {"$d": [[encode(k, handle_of, deeper), encode(v, handle_of, deeper)] for k, v in pairs]}
    if kind is bytes:
        return {"$b": base64.b64encode(value).decode("ascii")}
    if kind is slice:
        return {"$sl": [encode(part, handle_of, deeper) for part in (value.start, value.stop, value.step)]}
    return handle_of(value)


def decode(node, handle, depth=0):
    """Rebuild what `encode` made, checking every node; `handle(tag, payload)` rebuilds handles.

    Raises:
        CodecError: anything that `encode` could not have made.
    """
    if depth > MAX_DEPTH + 1:
        raise CodecError(f"the value is nested more than {MAX_DEPTH} levels deep")
    kind = type(node)
    if node is None or kind is bool or kind is str or kind is int or kind is float:
        return node
    deeper = depth + 1
    if kind is list:
        return [decode(item, handle, deeper) for item in node]
    if kind is not dict or len(node) != 1:
        raise CodecError("an unknown kind of value")
    (tag, payload), = node.items()
    if tag in HANDLE_TAGS:
        return handle(tag, payload)
    if tag == "$b":
        if type(payload) is not str:
            raise CodecError("bytes that are not base64 text")
        try:
            return base64.b64decode(payload.encode("ascii"), validate=True)
        except (UnicodeEncodeError, binascii.Error):
            raise CodecError("bytes that are not base64 text") from None
    if type(payload) is not list:
        raise CodecError(f"{tag} needs a list")
    if tag == "$d":
        pairs = []
        for pair in payload:
            if type(pair) is not list or len(pair) != 2:
                raise CodecError("a dict entry that is not a [key, value] pair")
            pairs.append((decode(pair[0], handle, deeper), decode(pair[1], handle, deeper)))
        return _hashed(dict, pairs)
    items = [decode(item, handle, deeper) for item in payload]
    if tag == "$t":
        return tuple(items)
    if tag == "$s":
        return _hashed(set, items)
    if tag == "$f":
        return _hashed(frozenset, items)
    if tag == "$sl" and len(items) == 3:
        return slice(*items)
    raise CodecError(f"an unknown kind of value {tag!r}")


def _hashed(kind, items):
    try:
        return kind(items)
    except TypeError:
        raise CodecError(f"a {kind.__name__} holding something that cannot be hashed") from None
