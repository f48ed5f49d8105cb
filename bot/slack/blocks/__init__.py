"""Block Kit builders: pure functions from domain values to dicts, testable without Slack."""
