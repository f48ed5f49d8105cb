"""Gunicorn settings for the Procfile's web process: `gunicorn --config gunicorn.conf.py`.

Why each setting:
- `gthread` workers with threads: Slack must be answered within 3 s, and a request mostly
  waits on the database; threads are cheap and share the worker's outbox sender.
  Workers: WEB_CONCURRENCY (the platform convention, default 2); threads per worker:
  WEB_THREADS (default 8). On PostgreSQL any number of workers and machines may run; on
  SQLite run one worker (or `python -m bot run`), since SQLite takes one writer at a time.
- `timeout` 30 s: a worker silent for longer is restarted; no request of ours takes that long.
- `graceful_timeout` SHUTDOWN_GRACE_SECONDS (default 20): on SIGTERM workers stop accepting
  and finish requests in flight, inside the 30 s most platforms allow before SIGKILL.
- Access log without query strings (`%(U)s` is the path only): the OAuth redirect carries
  a one-time code and state in its query string, which do not belong in logs.
- Log lines go through the bot's own formatter (LOG_FORMAT keyvalue or json), so gunicorn's
  lines parse like the bot's.
- `on_starting` runs the same start-up checks as `python -m bot web` once, in the master:
  a bad setting or an unusable database stops gunicorn with one line and exit code 2
  instead of workers failing in a loop. `worker_exit` lets a worker finish the message its
  outbox sender is sending before it goes.
"""

import os
import sys

wsgi_app = "bot.web.app:create_wsgi_app()"
bind = f"0.0.0.0:{os.environ.get('PORT', '3000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "8"))
timeout = 30
graceful_timeout = int(float(os.environ.get("SHUTDOWN_GRACE_SECONDS", "20")))
keepalive = 5
backlog = 1024
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"bot": {"()": "bot.logs.make_formatter"}},
    "filters": {"redact": {"()": "bot.logs.RedactTokens"}},  # Slack tokens and report links' tokens
    "handlers": {
        "error_console": {"class": "logging.StreamHandler", "formatter": "bot", "stream": "ext://sys.stderr",
                          "filters": ["redact"]},
        "console": {"class": "logging.StreamHandler", "formatter": "bot", "stream": "ext://sys.stdout",
                    "filters": ["redact"]},
    },
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
}


def on_starting(server):
    """Refuse to start (exit 2, one line) on a bad setting or an unusable database."""
    from bot.cli.startup import check_database
    from bot.config import ConfigError, load_settings
    from storage.health import DatabaseUnavailable

    try:
        settings = load_settings()
        settings.require_slack()
        check_database(settings)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr, flush=True)
        os._exit(2)  # gunicorn would turn SystemExit into a traceback and exit 1
    except DatabaseUnavailable as exc:
        print(f"Database error: {exc}", file=sys.stderr, flush=True)
        os._exit(2)


def worker_exit(server, worker):
    """After the worker stopped serving: finish the listeners and the message being sent."""
    app = getattr(worker, "wsgi", None)
    runtime = getattr(app, "runtime", None)
    if runtime is not None:
        from bot.cli.startup import stop_background

        stop_background(runtime, None, graceful_timeout)
