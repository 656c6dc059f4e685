"""Loaded first by every Python process started with this folder on PYTHONPATH: refuses and counts every network
connection attempt, and reports the count on exit, so a test can prove a synth made none."""

import atexit
import os
import socket
import sys

_attempts = []


def _refuse(what):
    def refused(*args, **kwargs):
        _attempts.append(f"{what} {args[:2]!r}")
        raise OSError(101, f"network blocked by test guard: {what}")

    return refused


socket.getaddrinfo = _refuse("getaddrinfo")
socket.create_connection = _refuse("create_connection")
socket.socket.connect = _refuse("connect")
socket.socket.connect_ex = _refuse("connect_ex")


@atexit.register
def _report():
    with open(os.environ["NETWORK_GUARD_REPORT"], "w") as report:
        report.write("\n".join(_attempts))
    if _attempts:
        print(f"network attempts: {len(_attempts)}", file=sys.stderr)
