"""The test process of a pytest step: pytest, as the grader uid, with the bridge to the learner's
server (on fd GRADER_BRIDGE_FD) and the reporter (on fd 3). No learner code ever runs here.

Usage: python3 -I -B pytest_main.py PYTEST_ARGS...
"""

import ctypes
import os
import sys

PR_SET_DUMPABLE = 4

# First: no other process may read this one's memory or descriptors.
ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, *(ctypes.c_ulong(0),) * 4)
os.umask(0)  # files the tests make (in tmp_path) are the learner's to write too

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # -I leaves the script's folder out
import grader_pytest  # noqa: E402  (imports the bridge, then pytest)
import pytest  # noqa: E402

sys.path.remove(HERE)  # the tests import their own modules only

if __name__ == "__main__":
    sys.exit(pytest.main(sys.argv[1:], plugins=[grader_pytest]))
