"""The HTTP client of an `http` step: talks to the learner's server on the sandbox's loopback.

Run as its own process (grader uid), with {"port", "requests"} on stdin; writes one JSON line per
request on fd 3: the raw response (status, headers, body capped at BODY_CAP) or {"error": kind,
"detail"}. A response that is not HTTP (a broken status line, a header line over 64 KiB, a hundred
headers) is an error of that request; an endless one is cut at the cap. The harness ends this process
at the step's deadline. `wait_listening` and `read_report` are for the harness itself.
"""

import http.client
import http.cookiejar
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BODY_CAP = 256 * 1024
REQUEST_TIMEOUT_S = 5.0
POLL_S = 0.02
REPORT_FD = 3


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


def read_report(report):
    """The responses the client reported, in order (a line cut by the deadline is left out)."""
    responses = []
    for line in report.splitlines():
        try:
            response = json.loads(line)
        except ValueError:
            continue
        if isinstance(response, dict):
            responses.append(response)
    return responses


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


def perform_one(opener, spec, port):
    try:
        response = opener.open(build_request(spec, port), timeout=REQUEST_TIMEOUT_S)
    except urllib.error.HTTPError as error:
        response = error
    except (http.client.HTTPException, ValueError) as error:
        return {"error": "bad-response", "detail": f"{type(error).__name__}: {error}"[:500]}
    except (OSError, urllib.error.URLError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, http.client.HTTPException):
            return {"error": "bad-response", "detail": f"{type(reason).__name__}: {reason}"[:500]}
        kind = "timeout" if isinstance(reason, (socket.timeout, TimeoutError)) else "connection"
        return {"error": kind, "detail": str(reason)[:500]}
    with response:
        try:
            body = response.read(BODY_CAP + 1)
        except (OSError, http.client.HTTPException, ValueError) as error:
            return {"error": "bad-response", "detail": f"{type(error).__name__}: {error}"[:500]}
        return {
            "status": response.status if hasattr(response, "status") else response.code,
            "headers": [[str(name), str(value)] for name, value in response.headers.items()],
            "body": body[:BODY_CAP].decode("utf-8", "replace"),
            "truncated": len(body) > BODY_CAP,
            "url": urllib.parse.urlsplit(response.geturl()).path,
        }


def main():
    params = json.loads(sys.stdin.buffer.read())
    port = int(params["port"])
    jar = http.cookiejar.CookieJar()
    follow = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar)
    )
    stay = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar), KeepRedirects()
    )
    with os.fdopen(REPORT_FD, "w", encoding="utf-8", errors="replace") as report:
        for spec in params["requests"]:
            try:
                response = perform_one(follow if spec.get("follow_redirects") else stay, spec, port)
            except Exception as error:  # whatever the learner's server sent: that request's failure
                response = {"error": "bad-response", "detail": f"{type(error).__name__}: {error}"[:500]}
            report.write(json.dumps(response) + "\n")
            report.flush()


if __name__ == "__main__":
    main()
