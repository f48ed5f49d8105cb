"""Everything about how the bot writes: formatting (dates, periods, numbers, plurals, Slack date
tokens) and, later, the one text catalogue (issue 16 point 4).

Why a package of its own: formatting rules were spread over renderers (data summary, chart,
report, services) and each wrote numbers and dates by hand, differently. One place that asks
Babel how Dutch and English people write keeps them the same everywhere.
"""
