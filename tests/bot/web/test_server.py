"""The production server stops as a platform expects: refuse new connections, finish what is in flight."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

# A WSGI app that takes 1.5 s per request, served by bot.web.server exactly as `run` and `web` do.
SERVER = textwrap.dedent("""
    import sys, time
    from bot.cli.startup import Shutdown
    from bot.web.server import serve

    def slow(environ, start_response):
        print("request started", flush=True)
        time.sleep(1.5)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"finished after 1.5 s"]

    shutdown = Shutdown().install()
    serve(slow, int(sys.argv[1]), host="127.0.0.1", threads=4, stop=shutdown.event, grace=float(sys.argv[2]))
    print("stopped", flush=True)
""")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(port: int, grace: float) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port), str(grace)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    assert "Listening on" in proc.stdout.readline()
    return proc


def _get(port: int, results: list) -> None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            results.append((response.status, response.headers.get("Server"), response.read()))
    except Exception as exc:  # recorded, the test says what went wrong
        results.append(exc)


@pytest.mark.slow
def test_sigterm_finishes_the_request_in_flight_and_refuses_new_ones():
    port = _free_port()
    proc = _start(port, grace=10)
    results: list = []
    client = threading.Thread(target=_get, args=(port, results))
    try:
        client.start()
        assert proc.stdout.readline().strip() == "request started"
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.8)  # the loop notices the signal within 0.5 s
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            pass  # the listening socket is closed: a platform routes new requests elsewhere
        client.join(10)
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert results == [(200, "waitress", b"finished after 1.5 s")]
    assert "stopped" in proc.stdout.read()
    assert "Traceback" not in proc.stderr.read()


@pytest.mark.slow
def test_a_request_longer_than_the_grace_period_does_not_hold_the_process():
    port = _free_port()
    proc = _start(port, grace=0.3)
    results: list = []
    client = threading.Thread(target=_get, args=(port, results))
    try:
        client.start()
        assert proc.stdout.readline().strip() == "request started"
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        assert time.monotonic() - started < 3
    finally:
        if proc.poll() is None:
            proc.kill()
        client.join(10)
    assert "still running after" in proc.stderr.read()
