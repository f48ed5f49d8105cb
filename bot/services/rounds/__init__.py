"""Rounds: several conversations set up and run together, and what a coordinator needs for them.

Setting a round up (creating.py: the modal and a file; sheet.py, checks.py, directory.py for the
file; setup.py creates it), its preparation round with one combined reminder per person
(fanout.py), the overview (overview.py, viewing.py), people coming and going (people.py),
moving planned sessions (moving.py, reminding.py), live and asynchronous stage time
(timing.py; the pace itself is common/pace.py) and a party's internal preparation (internal.py).
"""
