"""The HTTP servers: waitress for `python -m bot run` and `web`, a small stdlib one for tests.

Why waitress: a production WSGI server that is pure Python, well kept, and runs on the
Windows servers many municipalities use as well as on Linux (gunicorn, used by the
Procfile, is Unix only). Its worker threads (WEB_THREADS) answer Slack's bursts; the
listen backlog is long so the kernel does not drop twenty submissions arriving at once.

Why our own loop around waitress: waitress stops at once on a signal, cutting off requests
in flight. On SIGTERM we close the listening socket (new connections are refused, the
platform routes them elsewhere), keep serving the connections that have a request in
flight until they are answered or the grace period ends, then stop the worker threads.

The stdlib classes (`_ThreadingServer`, `_QuietHandler`) stay for the test harness, the
demo and the benchmarks, which start and stop many servers inside one process.
"""

from __future__ import annotations

import logging
import threading
import time
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import create_server

log = logging.getLogger(__name__)
LOOP_SECONDS = 0.5  # how quickly the loop notices a stop request


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the stdlib's 5 makes the kernel drop bursts and retry them a second later


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        log.debug("http: " + format, *args)


class GracefulServer:
    """waitress, driven by our loop so that a stop lets requests in flight finish."""

    def __init__(self, app, *, host: str = "0.0.0.0", port: int = 3000, threads: int = 8) -> None:
        self.server = create_server(
            app, host=host, port=port, threads=threads, backlog=1024, connection_limit=1000,
            channel_timeout=60, clear_untrusted_proxy_headers=True,
        )
        self.port = int(self.server.effective_port)
        self._map = self.server._map

    def serve(self, stop: threading.Event, grace: float = 20.0, ready: threading.Event | None = None) -> None:
        """Serve until `stop` is set, then drain for at most `grace` seconds."""
        if ready is not None:
            ready.set()
        try:
            while not stop.is_set():
                wasyncore.loop(timeout=LOOP_SECONDS, map=self._map, count=1)
        finally:
            self._drain(grace)

    def _channels(self) -> list[HTTPChannel]:
        return [c for c in list(self._map.values()) if isinstance(c, HTTPChannel)]

    def _in_flight(self) -> int:
        return sum(1 for c in self._channels() if c.requests or c.total_outbufs_len or c.request is not None)

    def _drain(self, grace: float) -> None:
        server = self.server
        wasyncore.dispatcher.close(server)  # stop listening; the trigger stays for the workers
        deadline = time.monotonic() + grace
        busy = self._in_flight()
        if busy:
            log.info("stopped accepting; finishing %s request(s) in flight", busy)
        while self._in_flight() and time.monotonic() < deadline:
            wasyncore.loop(timeout=0.05, map=self._map, count=1)
        left = self._in_flight()
        if left:
            log.warning("%s request(s) still running after %.0f s; stopping anyway", left, grace)
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=max(0.1, deadline - time.monotonic()))
        for channel in self._channels():
            channel.close()
        server.trigger.close()


def serve(app, port: int, host: str = "0.0.0.0", *, threads: int = 8, stop: threading.Event | None = None,
          grace: float = 20.0, ready: threading.Event | None = None) -> None:
    """Serve `app` with waitress until `stop` is set (then drain); announces the address."""
    server = GracefulServer(app, host=host, port=port, threads=threads)
    log.info("listening on http://%s:%s/slack/events with waitress, %s threads", host, server.port, threads)
    print(f"Listening on http://{host}:{server.port}/slack/events (health: /healthz)", flush=True)
    server.serve(stop or threading.Event(), grace, ready)
