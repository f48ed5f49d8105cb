"""Download a file someone shared in Slack with the bot token, and never send that token elsewhere.

Why this much care: a private file URL needs `Authorization: Bearer xoxb-…`, and urllib follows
redirects by itself *with the same headers*: a 302 from the file URL to another host handed that
host the bot token, which is the key to the whole workspace. So:

* the token goes only to an origin we trust: `https://files.slack.com`, or the origin of the
  configured SLACK_API_URL (the loopback stand-in in tests and the demo);
* redirects are never followed automatically. A redirect to the same origin is followed by us,
  at most `MAX_REDIRECTS` times; a redirect anywhere else is refused without contacting that
  host at all, with or without the token (a file that Slack does not serve itself is not one we
  want to import, and the person is told so);
* the size is capped while reading (and by Content-Length before reading), each socket
  operation has a timeout and the whole download a deadline, so a slow drip cannot hold the
  worker for ever;
* an HTML answer is Slack's login page (a token without `files:read`), not a file.

(New module next to bot/services/uploads.py so it can move into bot/slack/ without merge pain.)
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

SLACK_FILE_HOSTS = frozenset({"files.slack.com"})
MAX_REDIRECTS = 3
SOCKET_TIMEOUT = 30.0  # seconds per connect or read
DEADLINE = 120.0  # seconds for the whole download
_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class DownloadError(Exception):
    """The file was not fetched. `reason` says why, for the sentence the person gets:

    'not_slack' (the URL or a redirect points away from Slack), 'too_many_redirects', 'too_large',
    'web_page' (Slack's login page: the token lacks files:read), 'timeout', 'failed' (network, HTTP error).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class _Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> _Origin:
        parts = urlsplit(url)
        scheme = (parts.scheme or "").lower()
        try:
            port = parts.port or {"https": 443, "http": 80}.get(scheme, 0)
        except ValueError:  # a port that is not a number
            port = -1
        return cls(scheme, (parts.hostname or "").lower(), port)


def trusted_origin(url: str, api_url: str) -> bool:
    """True for Slack's file host over https, or exactly the origin of the configured Slack API URL."""
    origin = _Origin.of(url)
    if not origin.host:
        return False
    if origin == _Origin.of(api_url):
        return True
    return origin.scheme == "https" and origin.port == 443 and origin.host in SLACK_FILE_HOSTS


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hand every 3xx back to us as an HTTPError instead of following it with our headers."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102 - urllib's hook
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def download(url: str, token: str, *, api_url: str, limit: int, deadline: float = DEADLINE) -> bytes:
    """The file's bytes; DownloadError when it cannot or must not be fetched."""
    ends_at = time.monotonic() + deadline
    url = _quoted(url)
    for _ in range(MAX_REDIRECTS + 1):
        if not trusted_origin(url, api_url):
            raise DownloadError("not_slack", _Origin.of(url).host)
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        try:
            with _OPENER.open(request, timeout=SOCKET_TIMEOUT) as response:
                return _read(response, limit, ends_at)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code not in _REDIRECTS or not exc.headers.get("Location"):
                raise DownloadError("failed", f"HTTP {exc.code}") from exc
            target = _quoted(urljoin(url, exc.headers["Location"]))
            if _Origin.of(target) != _Origin.of(url):
                raise DownloadError("not_slack", f"redirect to {_Origin.of(target).host}") from exc
            url = target
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise DownloadError("timeout" if _timed_out(exc) else "failed", type(exc).__name__) from exc
    raise DownloadError("too_many_redirects")


def _read(response, limit: int, ends_at: float) -> bytes:
    if "text/html" in (response.headers.get("Content-Type") or ""):
        raise DownloadError("web_page")
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise DownloadError("too_large")
    parts: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise DownloadError("too_large")
        if time.monotonic() > ends_at:
            raise DownloadError("timeout")
        parts.append(chunk)
    return b"".join(parts)


def _timed_out(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None), TimeoutError)


def _quoted(url: str) -> str:
    """File names may arrive with spaces or accents: quote what is not quoted yet."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=quote(parts.path, safe="/%"), query=quote(parts.query, safe="=&%")))
