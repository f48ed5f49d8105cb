"""Every action_id and callback_id the bot uses, in one place.

Why enums: a listener and the Block Kit builder that emits its button must agree on the
id; a typo in a scattered string literal fails silently in Slack.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Action(StrEnum):
    HOME_START = "home_start_session"
    HOME_IMPORT = "home_import_data"
    HOME_MORE = "home_show_more"
    ANSWER_OPEN = "answer_open"
    STAGE_ADVANCE = "stage_advance"
    STAGE_EXTEND = "stage_extend"
    STAGE_SKIP = "stage_skip"
    STAGE_REOPEN = "stage_reopen"
    SESSION_CLOSE = "session_close"
    ACTION_ADD = "action_add"
    ACTION_DONE = "action_done"
    ACTION_POSTPONE = "action_postpone"
    PREP_OPEN = "prep_open"
    REMIND_SNOOZE = "remind_snooze"
    REMIND_DECLINE = "remind_decline"
    REMIND_ABSENT = "remind_absent"
    ACTION_COMMENT = "action_comment"
    REPORT_MAKE = "report_make"
    REPORT_PDF = "report_pdf"
    REPORT_XLSX = "report_xlsx"
    START_FLOW = "start_flow"
    # rounds, people coming and going, moving planned sessions, pace, internal preparation
    STAGE_EXTEND_BY = "stage_extend_by"
    SESSION_PEOPLE = "session_people"
    SESSION_START_NOW = "session_start_now"
    SESSION_RESCHEDULE = "session_reschedule"
    SESSION_CANCEL = "session_cancel"
    SESSION_REMIND = "session_remind_missing"
    SESSION_INTERNAL = "session_internal_prep"
    INTERNAL_SHARE = "internal_share"
    ROUND_NEW = "round_new"
    ROUND_REMIND = "round_remind_missing"
    ROUND_REPORT = "round_report"


class View(StrEnum):
    START = "start_session"
    ANSWER = "answer_stage"
    ACTION = "add_action"
    PREP = "prep_answer"
    ABSENT = "absent_until"
    ACTION_COMMENT = "action_comment"
    # rounds, people coming and going, moving planned sessions, pace, internal preparation
    ROUND = "round_setup"
    PEOPLE = "session_people"
    START_NOW = "session_start_now"
    RESCHEDULE = "session_reschedule"
    CANCEL = "session_cancel"
    EXTEND = "stage_extend_by"
    INTERNAL = "internal_prep"
    SHARE = "internal_share"


# Inputs inside modals are plain string ids; these patterns keep them parseable.
QUESTION_BLOCK = "q:{question_id}"
QUESTION_RE = re.compile(r"^q:(?P<question_id>[a-z0-9_-]+)$")


def small_int(value: object) -> int | None:
    """An id from a button value or modal metadata, or None.

    Why not `str.isdigit()` + `int()`: isdigit accepts '²' (int() then raises) and any length
    (a 30-digit id overflows PostgreSQL's integer and fails the whole request).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 2**31 else None
    if isinstance(value, str) and value.isascii() and value.isdecimal() and len(value) <= 9:
        return int(value)
    return None
