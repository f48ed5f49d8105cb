"""OtherHost: a second loopback server that plays "somewhere that is not Slack".

Why a separate server: the origin (scheme, host, port) is what decides where a token may go,
so "another host" in a test is another port on 127.0.0.1. It answers every GET with a small CSV
(so a bot that followed a redirect there would get something importable) and records each
request with its Authorization header, so a test can prove the bot token never arrived.
`drip` makes it answer slowly, a few bytes at a time, for deadline tests.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BODY = b"periode;bereik\n2024-Q1;12\n"


@dataclass
class Seen:
    """One request that reached the other host."""

    path: str
    authorization: str | None
    headers: dict[str, str] = field(default_factory=dict)


class OtherHost:
    """Start with `with OtherHost() as elsewhere:`; `elsewhere.url("x.csv")` is an address on it."""

    def __init__(self, *, body: bytes = BODY, drip: tuple[int, float] | None = None,
                 content_type: str = "text/csv") -> None:
        self.body = body
        self.content_type = content_type
        self.drip = drip  # (bytes per piece, seconds between pieces)
        self._seen: list[Seen] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def __enter__(self) -> OtherHost:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, args=(0.05,), name="otherhost", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base(self) -> str:
        if self._server is None:
            raise RuntimeError("OtherHost is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str = "file.csv") -> str:
        return f"{self.base}/{path.lstrip('/')}"

    @property
    def seen(self) -> list[Seen]:
        with self._lock:
            return list(self._seen)

    @property
    def tokens_seen(self) -> list[str]:
        """Every Authorization header that arrived here (there should never be one)."""
        return [s.authorization for s in self.seen if s.authorization]

    def _record(self, path: str, headers: Any) -> None:
        with self._lock:
            self._seen.append(Seen(path, headers.get("Authorization"), dict(headers.items())))


def _handler(host: OtherHost) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            host._record(self.path, self.headers)
            self.send_response(200)
            self.send_header("Content-Type", host.content_type)
            self.send_header("Content-Length", str(len(host.body)))
            self.end_headers()
            if host.drip is None:
                self.wfile.write(host.body)
                return
            size, pause = host.drip
            for start in range(0, len(host.body), size):
                try:
                    self.wfile.write(host.body[start : start + size])
                    self.wfile.flush()
                except OSError:
                    return  # the client gave up: that is what a deadline test wants
                time.sleep(pause)

    return Handler
