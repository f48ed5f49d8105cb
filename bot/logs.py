"""Structured (key=value) logging without answer texts or tokens.

Why a filter: answers can be sensitive and tokens are secrets; a stray `%s` of a payload
must not leak either into a log aggregator.
"""

from __future__ import annotations

import contextvars
import logging
import os
import re

# Which inbound request (or clock tick) and which session a log line belongs to.
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
session_id: contextvars.ContextVar[str] = contextvars.ContextVar("session_id", default="-")


class Correlation(logging.Filter):
    """Adds `req` and `session` to every record so one request can be followed across lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.req = request_id.get()
        record.session = session_id.get()
        return True

_TOKEN_RE = re.compile(r"xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+")


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN_RE.search(message):
            record.msg = _TOKEN_RE.sub("xox?-REDACTED", message)
            record.args = ()
        return True


def configure(level: str | None = None) -> None:
    level = level or os.environ.get("LOG_LEVEL", "INFO")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(
        "time=%(asctime)s level=%(levelname)s logger=%(name)s req=%(req)s session=%(session)s msg=%(message)s"))
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
