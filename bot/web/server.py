"""The server that runs the WSGI app in `python -m bot run` and `web`, and in tests.

Why a threaded server with a long listen backlog: Slack sends bursts (twenty people pressing
submit at once) and must be answered within 3 s; the stdlib's backlog of 5 made the kernel drop
connections that Slack would only retry a second later.
"""

from __future__ import annotations

import logging
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

log = logging.getLogger(__name__)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the stdlib's 5 makes the kernel drop bursts and retry them a second later


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        log.debug("http: " + format, *args)


def serve(app, port: int, host: str = "0.0.0.0", ready: threading.Event | None = None) -> None:
    server = make_server(host, port, app, server_class=_ThreadingServer, handler_class=_QuietHandler)
    log.info("listening on http://%s:%s/slack/events", host, server.server_port)
    print(f"Listening on http://{host}:{server.server_port}/slack/events (health: /healthz)", flush=True)
    if ready is not None:
        ready.set()
    try:
        server.serve_forever()
    finally:
        server.server_close()
