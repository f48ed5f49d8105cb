"""Benchmarks for the kwaliteitsgesprek bot (issue 7): `python -m benchmarks.run [--smoke]`.

Why a package of plain modules instead of pytest-benchmark: each benchmark measures our code
*and* its floor (a bare Bolt app, Slack's published limits, a bare pandas groupby) in the same
run on the same machine, and reports a ratio. That needs setup (fake Slack, fresh databases)
that does not fit a per-function timing harness, and the output must be a table a person can
paste into the README, plus JSON a machine can compare later.

Each module exposes `run(config: Config) -> list[Row]`; `benchmarks.run` collects the rows.
"""
