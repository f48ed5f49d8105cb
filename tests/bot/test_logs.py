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


def _capture(fmt: str, level: str = "INFO") -> io.StringIO:
    stream = io.StringIO()
    logs.configure(level, fmt)
    logging.getLogger().handlers[0].setStream(stream)
    return stream


def _logfmt(line: str) -> dict[str, str]:
    """Parse one key=value line the way a log collector would (shell-style quoting)."""
    import shlex

    return dict(part.split("=", 1) for part in shlex.split(line))


def test_json_lines_parse_and_carry_the_ids_on_every_line():
    import json

    stream = _capture("json")
    logs.request_id.set("req-json")
    logs.session_id.set("7")
    logging.getLogger("bot.test").info("first with %s", "xoxb-1234-abcdef")
    logging.getLogger("sqlalchemy.engine").warning("second from a library")
    private = "antwoord: heel " + "persoonlijk"  # data, not source text (frames quote source lines)
    try:
        raise RuntimeError(private)
    except RuntimeError:
        logging.getLogger("bot.test").exception("third")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3  # a traceback stays inside its line
    records = [json.loads(line) for line in lines]
    assert all(r["req"] == "req-json" and r["session"] == "7" for r in records)
    assert records[0]["level"] == "INFO" and records[0]["logger"] == "bot.test"
    assert "xoxb-1234" not in lines[0] and "REDACTED" in records[0]["msg"]
    assert "RuntimeError" in records[2]["exc_info"] and "persoonlijk" not in stream.getvalue()


def test_key_value_lines_quote_values_so_they_parse_back():
    stream = _capture("keyvalue")
    logs.request_id.set("r-1")
    logs.session_id.set("-")
    logging.getLogger("bot.test").warning('outbox row %s failed: %s', 12, 'said "no" = refused')
    fields = _logfmt(stream.getvalue().strip())
    assert fields["req"] == "r-1" and fields["level"] == "WARNING" and fields["logger"] == "bot.test"
    assert fields["msg"] == 'outbox row 12 failed: said "no" = refused'


def test_exceptions_are_one_line_without_their_message_in_key_value_logs():
    stream = _capture("keyvalue")
    private = "de zorgen van " + "Sanne"
    try:
        raise ValueError(private)
    except ValueError:
        logging.getLogger("bot.test").exception("saving failed")
    output = stream.getvalue()
    assert output.count("\n") == 1
    assert "Sanne" not in output
    assert "ValueError" in _logfmt(output.strip())["exc"]


def test_log_level_accepts_any_case_and_refuses_nonsense():
    import pytest

    from bot.config import ConfigError

    logs.configure("debug", "keyvalue")
    assert logging.getLogger().level == logging.DEBUG
    logs.configure("Warning", "keyvalue")
    assert logging.getLogger().level == logging.WARNING
    with pytest.raises(ConfigError, match="LOG_LEVEL"):
        logs.configure("verbose")
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        logs.configure("INFO", "xml")
    logs.configure("INFO", "keyvalue")


def test_report_link_tokens_never_reach_a_log_line():
    stream = io.StringIO()
    logs.configure("INFO")
    logging.getLogger().handlers[0].setStream(stream)
    logging.getLogger("gunicorn.access").info('%s "%s %s"', "10.0.0.1", "GET",
                                              "/verslag/abcdEFGH1234_-xy.ABCDEFGHIJKLMNOPQRSTUV")
    line = stream.getvalue()
    assert "/verslag/REDACTED" in line and "abcdEFGH1234" not in line and "ABCDEFGHIJ" not in line


def test_gunicorn_logs_through_the_same_redaction():
    import runpy
    from pathlib import Path

    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))["logconfig_dict"]
    assert all("redact" in handler.get("filters", []) for handler in config["handlers"].values())
    assert config["filters"]["redact"]["()"] == "bot.logs.RedactTokens"
