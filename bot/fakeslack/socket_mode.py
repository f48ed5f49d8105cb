"""A minimal Socket Mode endpoint: RFC 6455 over the stdlib, enough for slack_sdk's clients.

Why hand-written: the server side of Socket Mode is tiny (handshake, unmasked text frames
out, masked frames in, ping/pong, close), and doing it with `http.server` keeps the test
harness free of an async event loop and of extra dependencies.

Slack's protocol on top: on connect the server sends `{"type": "hello", ...}`; then
envelopes `{"envelope_id", "type", "payload", "accepts_response_payload"}`; the client
acknowledges each with `{"envelope_id", "payload"?}`.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import struct
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def accept_key(key: str) -> str:
    """Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (RFC 6455 section 4.2.2)."""
    return base64.b64encode(hashlib.sha1((key.strip() + WS_GUID).encode()).digest()).decode()


def encode_frame(opcode: int, payload: bytes) -> bytes:
    """One unmasked, final frame (servers never mask)."""
    head = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([n])
    elif n < 1 << 16:
        head += bytes([126]) + struct.pack("!H", n)
    else:
        head += bytes([127]) + struct.pack("!Q", n)
    return head + payload


class Connection:
    """One connected client; `send` may be called from any thread."""

    def __init__(self, sock: socket.socket, rfile: Any) -> None:
        self.sock = sock
        self.rfile = rfile
        self.id = uuid.uuid4().hex[:8]
        self._send_lock = threading.Lock()
        self.open = True

    def send(self, opcode: int, payload: bytes) -> None:
        with self._send_lock:
            if not self.open:
                raise ConnectionError("socket mode connection is closed")
            self.sock.sendall(encode_frame(opcode, payload))

    def send_json(self, data: dict[str, Any]) -> None:
        self.send(OP_TEXT, json.dumps(data).encode())

    def read_frame(self) -> tuple[int, bytes] | None:
        """The next complete message (continuations joined), or None when the peer is gone."""
        opcode_first: int | None = None
        data = b""
        while True:
            head = self.rfile.read(2)
            if len(head) < 2:
                return None
            fin, opcode = head[0] & 0x80, head[0] & 0x0F
            masked, length = head[1] & 0x80, head[1] & 0x7F
            if length == 126:
                length = struct.unpack("!H", self.rfile.read(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self.rfile.read(8))[0]
            mask = self.rfile.read(4) if masked else b""
            payload = self.rfile.read(length)
            if len(payload) < length:
                return None
            if masked:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode >= 0x8:  # control frames may interleave with fragments
                return opcode, payload
            if opcode_first is None:
                opcode_first = opcode
            data += payload
            if fin:
                return opcode_first, data

    def close(self) -> None:
        with self._send_lock:
            if not self.open:
                return
            self.open = False
            with contextlib.suppress(OSError):
                self.sock.sendall(encode_frame(OP_CLOSE, struct.pack("!H", 1001)))
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


class SocketModeServer:
    """Accepts Socket Mode clients on its own port and relays envelopes and acks."""

    def __init__(self, app_id: str = "A0FAKEAPP", ping_interval: float = 0.2) -> None:
        self.app_id = app_id
        # Why ping often: slack_sdk's built-in client closes only after its blocking recv()
        # returns (3 s timeout); frequent server pings (Slack pings too) make close() prompt.
        self.ping_interval = ping_interval
        self.acks: list[dict[str, Any]] = []
        self.received: list[dict[str, Any]] = []
        self.connections: list[Connection] = []
        self._cond = threading.Condition()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="fakeslack-socket-mode", daemon=True
        )
        self._thread.start()

    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link/?ticket={uuid.uuid4()}&app_id={self.app_id}"

    # -- called by the handler thread ----------------------------------------------------------

    def _connected(self, conn: Connection) -> None:
        conn.send_json(
            {
                "type": "hello",
                "num_connections": len(self.connections) + 1,
                "debug_info": {"host": "fakeslack", "approximate_connection_time": 18060},
                "connection_info": {"app_id": self.app_id},
            }
        )
        with self._cond:
            self.connections.append(conn)
            self._cond.notify_all()
        if self.ping_interval > 0:
            threading.Thread(target=self._ping, args=(conn,), name="fakeslack-ws-ping", daemon=True).start()

    def _ping(self, conn: Connection) -> None:
        while conn.open:
            time.sleep(self.ping_interval)
            try:
                conn.send(OP_PING, b"fakeslack")
            except (OSError, ConnectionError):
                return

    def _serve(self, conn: Connection) -> None:
        try:
            while conn.open:
                frame = conn.read_frame()
                if frame is None:
                    break
                opcode, payload = frame
                if opcode == OP_PING:
                    conn.send(OP_PONG, payload)
                elif opcode == OP_CLOSE:
                    break
                elif opcode in (OP_TEXT, OP_BINARY):
                    self._on_message(payload)
        except (OSError, ConnectionError, struct.error):
            pass
        finally:
            conn.close()
            with self._cond:
                if conn in self.connections:
                    self.connections.remove(conn)
                self._cond.notify_all()

    def _on_message(self, payload: bytes) -> None:
        try:
            message = json.loads(payload.decode())
        except (UnicodeDecodeError, json.JSONDecodeError):
            message = {"raw": payload.decode(errors="replace")}
        with self._cond:
            self.received.append(message)
            if isinstance(message, dict) and "envelope_id" in message:
                self.acks.append(message)
            self._cond.notify_all()

    # -- test-facing ---------------------------------------------------------------------------

    def wait_connected(self, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: any(c.open for c in self.connections), timeout)

    def send(self, envelope: dict[str, Any]) -> None:
        with self._cond:
            live = [c for c in self.connections if c.open]
        if not live:
            raise RuntimeError("no Socket Mode client is connected (call wait_socket_connected first)")
        live[-1].send_json(envelope)

    def wait_ack(self, envelope_id: str, timeout: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for ack in self.acks:
                    if ack.get("envelope_id") == envelope_id:
                        return ack
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)

    def disconnect_all(self) -> None:
        """Drop every client, as Slack does on deploys (clients must reconnect)."""
        with self._cond:
            live = list(self.connections)
        for conn in live:
            conn.close()

    def stop(self) -> None:
        self.disconnect_all()
        self._server.shutdown()
        self._server.server_close()


def _make_handler(owner: SocketModeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            key = self.headers.get("Sec-WebSocket-Key")
            if self.headers.get("Upgrade", "").lower() != "websocket" or not key:
                self.send_error(400, "expected a websocket upgrade")
                return
            self.wfile.write(
                (
                    "HTTP/1.1 101 Switching Protocols\r\n"
                    "Upgrade: websocket\r\n"
                    "Connection: Upgrade\r\n"
                    f"Sec-WebSocket-Accept: {accept_key(key)}\r\n\r\n"
                ).encode()
            )
            self.wfile.flush()
            conn = Connection(self.connection, self.rfile)
            owner._connected(conn)
            owner._serve(conn)
            self.close_connection = True

    return Handler
