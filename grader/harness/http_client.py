"""The harness's HTTP client: talks to the learner's server on the sandbox's loopback."""

import http.cookiejar
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

BODY_CAP = 256 * 1024
POLL_S = 0.02


def wait_listening(port, deadline, exited):
    """Wait until something accepts connections on 127.0.0.1:`port`; False if the server process
    ends first (`exited()` true) or the deadline passes."""
    while time.monotonic() < deadline:
        if exited():
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(POLL_S)
    return False


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def build_request(spec, port):
    url = f"http://127.0.0.1:{port}{spec['path']}"
    headers = dict(spec.get("headers") or {})
    data = None
    if spec.get("form") is not None:
        data = urllib.parse.urlencode(spec["form"]).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    elif "json" in spec:
        data = json.dumps(spec["json"]).encode()
        headers.setdefault("Content-Type", "application/json")
    elif spec.get("body") is not None:
        data = spec["body"].encode()
    return urllib.request.Request(url, data=data, headers=headers, method=spec.get("method", "GET"))


def perform(requests, port, deadline):
    jar = http.cookiejar.CookieJar()
    follow = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar)
    )
    stay = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar), KeepRedirects()
    )
    responses = []
    for spec in requests:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            responses.append({"error": "timeout"})
            continue
        opener = follow if spec.get("follow_redirects") else stay
        try:
            response = opener.open(build_request(spec, port), timeout=min(remaining, 5.0))
        except urllib.error.HTTPError as error:
            response = error
        except (OSError, urllib.error.URLError) as error:
            reason = getattr(error, "reason", error)
            kind = "timeout" if isinstance(reason, (socket.timeout, TimeoutError)) else "connection"
            responses.append({"error": kind, "detail": str(reason)})
            continue
        with response:
            try:
                body = response.read(BODY_CAP + 1)
            except OSError as error:
                responses.append({"error": "connection", "detail": str(error)})
                continue
        responses.append({
            "status": response.status if hasattr(response, "status") else response.code,
            "headers": [[name, value] for name, value in response.headers.items()],
            "body": body[:BODY_CAP].decode("utf-8", "replace"),
            "truncated": len(body) > BODY_CAP,
            "url": urllib.parse.urlsplit(response.geturl()).path,
        })
    return responses
