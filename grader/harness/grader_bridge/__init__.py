"""The boundary between the instructor's tests (grader uid) and the learner's code (learner uid).

Two processes, one socket: the test process imports proxies of the learner's modules (proxies.py);
every call, attribute, operator and iteration on a proxy is a request answered by the learner's
server (learner_server.py), which holds the real objects. Values cross by value in a small codec
(codec.py) over length-prefixed JSON (wire.py); anything else crosses as a handle. Stdlib only.
"""
