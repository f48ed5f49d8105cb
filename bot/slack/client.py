"""The single seam to Slack's Web API: every WebClient is made here.

Why: SLACK_API_URL must be honoured by every outbound call (tests and the demo point it
at a loopback stand-in), and tokens differ per workspace once OAuth installs are on.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler
from slack_sdk.oauth.installation_store import InstallationStore

from bot.config import Settings


def make_client(settings: Settings, token: str | None = None, *, timeout: int = 10) -> WebClient:
    """A WebClient on SLACK_API_URL. Connection errors are retried once; 429/5xx are the outbox's job."""
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
    )


class TokenSource:
    """Finds the bot token of a workspace: the single token, or the OAuth installation's."""

    def __init__(self, settings: Settings, installation_store: InstallationStore | None = None) -> None:
        self.settings = settings
        self.installation_store = installation_store

    def bot_token(self, team_id: str | None) -> str | None:
        if self.installation_store is not None and team_id:
            bot = self.installation_store.find_bot(enterprise_id=None, team_id=team_id)
            if bot is not None:
                return bot.bot_token
        return self.settings.bot_token

    def client(self, team_id: str | None) -> WebClient:
        return make_client(self.settings, self.bot_token(team_id))
