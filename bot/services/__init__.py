"""Application services: one function per use case, each opening its own unit of work.

Listeners parse Slack payloads into plain values and call exactly one service; the service
finds out who is asking (common/caller.py), loads the session, runs one engine step (a turn),
saves, and queues the messages it causes (bot/slack/outgoing.py) in the same transaction.

Rooms, from low to high (arrows only point down; tests/test_architecture.py keeps it so):
- common/: who is asking, the session store, the agenda of due work and its processor,
  policies, working time, recurrence. Never imports a use case.
- conversation/: starting, answering, steering, agreed actions, the session's thread,
  status, Home tab, reports.
- preparation/: the preparation round, prep answers, reminders.
- cycle/: series and the follow-up of agreed actions.
- data/: outcome figures in Slack, file uploads, `/gesprek data`.
- privacy/: export, erasure, retention.
- rounds/: rounds of conversations set up together (a modal or a file), their combined
  preparation reminders and overview, people coming and going, moving planned sessions,
  live or asynchronous stage time, a party's internal preparation. The Home tab
  (conversation/home.py) reads its overview (rounds/viewing.py, which stands on common/).
- commands.py (the `/gesprek` table) and due_work.py (the table of due work) sit on top.
"""
