"""Structured (key=value) logging without answer texts or tokens.

Why a filter: answers can be sensitive and tokens are secrets; a stray `%s` of a payload
must not leak either into a log aggregator.
"""

from __future__ import annotations

import logging
import os
import re

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
    handler.setFormatter(logging.Formatter("time=%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)s"))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # slack_sdk logs request bodies at DEBUG; keep it at INFO whatever the root level.
    logging.getLogger("slack_sdk").setLevel(max(logging.INFO, root.level))
    logging.getLogger("slack_bolt").setLevel(max(logging.INFO, root.level))
