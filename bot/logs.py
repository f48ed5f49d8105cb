"""Logging for a log collector: key=value lines (default) or one JSON object per line.

Why these rules:
- Every line carries the request and session it belongs to (`req`, `session`), so one
  Slack request or one clock tick can be followed across modules and processes.
- One record is one line in both formats: a traceback is an escaped field, never a run of
  loose lines that a collector would split into unrelated events.
- key=value values are quoted when they hold spaces, quotes or `=`, so the line parses
  unambiguously (logfmt).
- Answers can be sensitive and tokens are secrets: tokens are redacted from every line
  (`RedactTokens`) and failures are logged by type and frames, never by message
  (`log_failure`), because database errors quote the row being written.
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import time

from pythonjsonlogger.json import JsonFormatter

# Which inbound request (or clock tick) and which session a log line belongs to.
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
session_id: contextvars.ContextVar[str] = contextvars.ContextVar("session_id", default="-")

_TOKEN_RE = re.compile(r"xox[abposre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+")
REDACTED = "xox?-REDACTED"
# A report link's token is the key to the page (bot/services/reports/links.py): never in a log.
_LINK_RE = re.compile(r"/verslag/[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)?")
LINK_REDACTED = "/verslag/REDACTED"
_NEEDS_QUOTES = re.compile(r'[\s="\\]')


class Correlation(logging.Filter):
    """Adds `req` and `session` to every record so one request can be followed across lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.req = request_id.get()
        record.session = session_id.get()
        return True


class RedactTokens(logging.Filter):
    """Replaces anything shaped like a Slack token or a report link's token, in the message and
    in its arguments (access logs name the path that was asked for)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN_RE.search(message) or _LINK_RE.search(message):
            record.msg = _LINK_RE.sub(LINK_REDACTED, _TOKEN_RE.sub(REDACTED, message))
            record.args = ()
        return True


def safe_exception(exc_info) -> str:
    """A traceback's frames and exception types, without the messages (they may quote data)."""
    import traceback

    _type, error, tb = exc_info
    parts: list[str] = []
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        parts.append("".join(traceback.format_tb(error.__traceback__)).rstrip() + f"\n{type(error).__name__}")
        error = error.__cause__ or error.__context__
    if not parts and _type is not None:
        parts.append("".join(traceback.format_tb(tb)).rstrip() + f"\n{_type.__name__}")
    return "\n-- caused by --\n".join(reversed(parts)).strip()


def _quote(value: object) -> str:
    text = str(value)
    if text and not _NEEDS_QUOTES.search(text):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


class KeyValueFormatter(logging.Formatter):
    """`time=… level=… logger=… req=… session=… msg="…"` on one line (logfmt)."""

    converter = time.gmtime

    def format(self, record: logging.LogRecord) -> str:
        fields = [
            ("time", self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z"),
            ("level", record.levelname),
            ("logger", record.name),
            ("req", getattr(record, "req", request_id.get())),
            ("session", getattr(record, "session", session_id.get())),
            ("msg", record.getMessage()),
        ]
        if record.exc_info:
            fields.append(("exc", self.formatException(record.exc_info)))
        return " ".join(f"{key}={_quote(value)}" for key, value in fields)

    def formatException(self, ei) -> str:
        return safe_exception(ei)


class JsonLineFormatter(JsonFormatter):
    """python-json-logger with our field names, UTC timestamps and the correlation ids."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(req)s %(session)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger", "message": "msg"},
            datefmt="%Y-%m-%dT%H:%M:%SZ",
            json_ensure_ascii=False,
        )
        self.converter = time.gmtime

    def add_fields(self, log_data, record, message_dict) -> None:
        if not hasattr(record, "req"):
            record.req = request_id.get()
            record.session = session_id.get()
        super().add_fields(log_data, record, message_dict)

    def formatException(self, ei) -> str:
        return safe_exception(ei)


def make_formatter(fmt: str | None = None) -> logging.Formatter:
    """The formatter for `LOG_FORMAT` (also used for gunicorn's own loggers in gunicorn.conf.py)."""
    from bot.config import ConfigError, _log_format

    try:
        chosen = _log_format(fmt or os.environ.get("LOG_FORMAT") or "keyvalue")
    except ValueError as exc:
        raise ConfigError(f"LOG_FORMAT is malformed: {exc}") from None
    return JsonLineFormatter() if chosen == "json" else KeyValueFormatter()


def configure(level: str | None = None, fmt: str | None = None) -> None:
    """Install one stderr handler on the root logger; raise ConfigError on a bad level or format."""
    from bot.config import ConfigError, _log_level

    try:
        level = _log_level(level or os.environ.get("LOG_LEVEL") or "INFO")
    except ValueError as exc:
        raise ConfigError(f"LOG_LEVEL is malformed: {exc}") from None
    handler = logging.StreamHandler()
    handler.setFormatter(make_formatter(fmt))
    handler.addFilter(RedactTokens())
    handler.addFilter(Correlation())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # slack_sdk logs request bodies at DEBUG; keep it at INFO whatever the root level.
    logging.getLogger("slack_sdk").setLevel(max(logging.INFO, root.level))
    logging.getLogger("slack_bolt").setLevel(max(logging.INFO, root.level))


def log_failure(logger: logging.Logger, what: str, error: BaseException | None = None) -> None:
    """Log a failure with its type and where it happened, but never its message.

    Why: exception messages from the database quote the row being written (answer texts,
    user ids of anonymous authors). The frames say where it broke; that is enough to fix it.
    """
    import sys
    import traceback

    error = error or sys.exc_info()[1]
    frames = "".join(traceback.format_tb(error.__traceback__)) if error is not None else ""
    logger.error("%s: %s\n%s", what, type(error).__name__ if error else "unknown", frames.rstrip())
