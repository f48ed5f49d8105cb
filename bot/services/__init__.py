"""Application services: one function per use case, each opening its own unit of work.

Listeners parse Slack payloads into plain values and call exactly one service; the
service loads state, runs the pure flow engine, saves, and enqueues the messages.
"""
