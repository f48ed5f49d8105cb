"""Everything that faces Slack: the Bolt app, listeners, payload parsing, Block Kit, sending and pacing."""
