"""Log lines carry request and session ids and never a token."""

from __future__ import annotations

import io
import logging

from bot import logs


def test_tokens_redacted_and_ids_attached():
    stream = io.StringIO()
    logs.configure("INFO")
    handler = logging.getLogger().handlers[0]
    handler.setStream(stream)
    logs.request_id.set("req123")
    logs.session_id.set("42")
    logging.getLogger("bot.test").info("calling with %s", "xoxb-1234-abcdef")
    line = stream.getvalue()
    assert "req=req123" in line and "session=42" in line
    assert "xoxb-1234" not in line and "REDACTED" in line


def test_failures_are_logged_without_their_message(caplog):
    caplog.set_level(logging.ERROR)
    private = "antwoord van " + "USW1" + ": heel " + "persoonlijk"  # data, not source text
    try:
        raise ValueError(private)
    except ValueError:
        logs.log_failure(logging.getLogger("bot.test"), "saving failed")
    assert "ValueError" in caplog.text and "test_logs.py" in caplog.text
    assert "persoonlijk" not in caplog.text and "USW1" not in caplog.text
