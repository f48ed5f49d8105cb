"""The loopback Slack stand-in lives in `bot.fakeslack` (the demo uses it too); tests import it here."""

from bot.fakeslack import *  # noqa: F403
from bot.fakeslack import __all__  # noqa: F401
