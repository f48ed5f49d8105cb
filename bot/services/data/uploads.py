"""Outcome data shared with the bot in a DM: download, import in one transaction, answer.

Why a DM with the outcome's name as the message: it is what people already do with a file
("hier zijn de cijfers van Ouderen doen mee"), it needs no form, and the data never appear in
a channel. Only coordinators may import; the file is not even downloaded for anyone else.

The same `import_file` serves `python -m bot data import`, so Slack and the command line
validate, save and report identically: a file with any error saves nothing (not even a new
outcome); a good one is staged in short transactions and made visible together with its
outcome in one short transaction (storage/importing/staging.py).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.logs import log_failure
from bot.runtime.deps import Deps
from bot.services.common.caller import asking
from bot.services.data.figures import find_outcome, outcome_names
from bot.slack.blocks.kit import section, split_text
from bot.slack.downloads import DownloadError, download
from bot.slack.markup import clean_input
from bot.slack.outgoing import Outgoing
from bot.texts.formatting import format_period, plural
from bot.texts.problems import format_problems
from storage.db import Database
from storage.importing import ImportResult
from storage.importing import columns as C
from storage.importing.limits import DEFAULT as IMPORT_LIMITS
from storage.importing.reader import ReadError, read_table
from storage.importing.save import write_outcome_file, write_story_file
from storage.importing.stories import validate_story_file
from storage.importing.validate import validate_outcome_file
from storage.models import Outcome

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = IMPORT_LIMITS.file_bytes  # the importer's documented file size (docs/data-format.md)
MAX_PROBLEM_LINES = 20
_TABLE_TYPES = {"csv", "tsv", "txt", "text", "xlsx", "xls", "spreadsheet"}
_STORY_PREFIX = re.compile(r"^\s*(verhalen|verhaal|stories|story)\s*[:\-–]\s*", re.IGNORECASE)


# ---- import (shared with the CLI) -------------------------------------------------------------------


@dataclass
class FileImport:
    """What one file did: the importer's result and the outcome it went to (None when refused)."""

    result: ImportResult
    outcome_name: str
    outcome_id: int | None = None
    created: bool = False


def clean_outcome_name(text: str) -> tuple[str, bool]:
    """The outcome name from a message text, and whether the person said it holds stories.

    Slack adds mrkdwn and mentions around what people type; '*Ouderen doen mee*' and
    '<@UBOT> Ouderen doen mee' both mean the outcome 'Ouderen doen mee'.
    """
    text = re.sub(r"<[@#!][^>]*>", " ", text or "")
    stories = bool(_STORY_PREFIX.match(text))
    text = _STORY_PREFIX.sub("", text)
    text = clean_input(text, slack_escaped=True)  # Slack escaped the message text: decode it once, here
    text = " ".join(text.strip().strip("*_~`\"'‘’“”").split())
    return text[:200], stories


def looks_like_stories(data: bytes, filename: str | None) -> bool:
    """A file with a story column and no figure columns is a stories file (no flag needed)."""
    try:
        headers = read_table(data, filename).headers
    except ReadError:
        return False
    found = {C.match_header(h, i).field for i, h in enumerate(headers)}
    return C.TEXT in found and not (found & set(C.NUMBER_FIELDS))


def import_file(db: Database, *, workspace_id: int, outcome_name: str, data: bytes, filename: str | None,
                imported_by: str | None, stories: bool | None = None) -> FileImport:
    """Validate, then stage the rows and swap them in together with the outcome (created if needed)."""
    if stories is None:
        stories = looks_like_stories(data, filename)
    checked = validate_story_file(data, filename) if stories else validate_outcome_file(data, filename)
    kind = "stories" if stories else "outcome"
    if not checked.ok:
        return FileImport(ImportResult(ok=False, kind=kind, problems=checked.problems, warnings=checked.warnings,
                                       refused=checked.refused), outcome_name)
    created = False

    def outcome(s: Session) -> Outcome:  # runs in the short transaction that makes the rows visible
        nonlocal created
        found = find_outcome(s, workspace_id, outcome_name)
        if found is None:
            found = Outcome(workspace_id=workspace_id, name=outcome_name)
            s.add(found)
            s.flush()
            created = True
        return found

    write = write_story_file if stories else write_outcome_file
    saved = write(db, checked, workspace_id=workspace_id, outcome=outcome, filename=filename,
                  imported_by=imported_by)
    result = ImportResult(ok=True, kind=kind, warnings=checked.warnings, dataset_id=saved.dataset_id,
                          rows=len(checked.frame), changes=saved.changes)
    return FileImport(result, saved.outcome_name, saved.outcome_id, created)


def report_lines(done: FileImport, filename: str, lang: str, *, slack: bool = True) -> list[str]:
    """What to tell the person: the problems (nothing saved) or what changed per period.

    `slack=True` bolds names (mrkdwn; what came from the file is escaped where the message
    leaves, bot/slack/markup.py); False is plain text for the command line.
    """
    result = done.result
    b = "*" if slack else "‘"
    e = "*" if slack else "’"
    file_ = f"{b}{filename}{e}"
    outcome = f"{b}{done.outcome_name}{e}"
    if not result.ok:
        lines = [t(lang, "data.import_failed", file=file_, count=len(result.problems))]
        lines += ["• " + line for line in format_problems(result.problems, lang, MAX_PROBLEM_LINES)]
        return lines
    stories = result.kind == "stories"
    key, unit = ("data.import_ok_stories", "units.stories") if stories else ("data.import_ok", "units.rows")
    lines = [t(lang, key, file=file_, outcome=outcome, rows=plural(lang, unit, result.rows))]
    if done.created:
        lines.append(t(lang, "data.outcome_created", outcome=outcome))
    for change in result.changes:
        period = format_period(change.period, lang)
        if stories:
            lines.append("• " + t(lang, "data.period_stories", period=period, added=plural(lang, unit, change.added),
                                  removed=change.removed))
        elif change.replaced:
            lines.append("• " + t(lang, "data.period_replaced", period=period, added=change.added,
                                  removed=change.removed, changed=change.changed, unchanged=change.unchanged))
        else:
            lines.append("• " + t(lang, "data.period_new", period=period, added=plural(lang, unit, change.added)))
    if result.warnings:
        lines.append(t(lang, "data.warnings"))
        lines += ["• " + line for line in format_problems(result.warnings, lang, 5)]
    return lines


# ---- Slack: a file shared in a DM ---------------------------------------------------------------------


def _reply(s: Session, workspace_id: int, channel: str, lines: list[str]) -> None:
    blocks = [section(chunk) for chunk in split_text("\n".join(lines))]
    Outgoing(s, workspace_id).message(channel, lines[0] if lines else " ", blocks, unfurl=False)


def _is_table(file: dict) -> bool:
    name = str(file.get("name") or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ext in _TABLE_TYPES or str(file.get("filetype") or "").lower() in _TABLE_TYPES


def handle_dm_files(deps: Deps, team_id: str, event: dict) -> None:
    """A coordinator shared files in a DM: import each into the outcome named in the message.

    Runs after Slack got its acknowledgement (Bolt's process_before_response=False), so the
    download and import may take their time; each file gets its own answer in the DM.
    """
    user_id = event.get("user") or ""
    channel = event.get("channel") or user_id
    files = [f for f in event.get("files") or [] if isinstance(f, dict)]
    if not user_id or not files:
        return
    name, stories = clean_outcome_name(event.get("text") or "")
    with asking(deps, team_id, user_id) as me:
        lang, workspace_id = me.lang, me.workspace.id
        if not me.is_coordinator():
            _reply(me.s, workspace_id, channel, [me.text("data.upload_not_coordinator")])
            return
        if not name:
            names = outcome_names(me.s, workspace_id)
            known = me.text("data.known_outcomes", names=", ".join(names)) if names else ""
            _reply(me.s, workspace_id, channel, [me.text("data.upload_needs_outcome"), known] if known
                   else [me.text("data.upload_needs_outcome")])
            return
    for file in files:
        with deps.db.unit_of_work() as s:  # "bezig met…" at once; the same message gets the result
            progress = Outgoing(s, workspace_id).progress(
                channel, t(lang, "reports.working_import", file=str(file.get("name") or "")[:200]))
        deps.notify()
        try:
            lines = _import_shared_file(deps, team_id, workspace_id, user_id, file, name, stories or None, lang)
        except Exception:  # never leave someone waiting in silence; nothing was saved (one transaction)
            log_failure(log, "import of a shared file failed")
            lines = [t(lang, "errors.generic")]
        with deps.db.unit_of_work() as s:
            blocks = [section(chunk) for chunk in split_text("\n".join(lines))]
            Outgoing(s, workspace_id).finish(progress, lines[0] if lines else " ", blocks)
        deps.notify()


def _import_shared_file(deps: Deps, team_id: str, workspace_id: int, user_id: str, file: dict, name: str,
                        stories: bool | None, lang: str) -> list[str]:
    """Download and import one shared file; returns the answer's lines."""
    filename = str(file.get("name") or file.get("title") or "bestand")
    shown = filename
    token = deps.tokens.bot_token(team_id) or ""
    if not file.get("url_private_download") and file.get("id"):
        try:
            file = deps.tokens.client(team_id or None).files_info(file=file["id"]).get("file") or file
        except Exception as exc:
            log.info("files.info failed: %s", type(exc).__name__)
            return [t(lang, "data.upload_download_failed", file=shown)]
    if int(file.get("size") or 0) > MAX_UPLOAD_BYTES:
        return [t(lang, "data.upload_too_large", file=shown, max_mb=MAX_UPLOAD_BYTES // (1024 * 1024))]
    if not _is_table(file):
        return [t(lang, "data.upload_not_a_table", file=shown)]
    url = file.get("url_private_download") or file.get("url_private") or ""
    try:
        data = download(url, token, api_url=deps.settings.slack_api_url, limit=MAX_UPLOAD_BYTES)
    except DownloadError as exc:
        log.info("download of a shared file failed: %s", exc)
        if exc.reason == "too_large":
            return [t(lang, "data.upload_too_large", file=shown, max_mb=MAX_UPLOAD_BYTES // (1024 * 1024))]
        if exc.reason in ("not_slack", "too_many_redirects"):
            return [t(lang, "data.upload_not_from_slack", file=shown)]
        return [t(lang, "data.upload_download_failed", file=shown)]
    try:
        done = import_file(deps.db, workspace_id=workspace_id, outcome_name=name, data=data, filename=filename,
                           imported_by=user_id, stories=stories)
    except IntegrityError:  # the same outcome created at the same moment by a second upload
        done = import_file(deps.db, workspace_id=workspace_id, outcome_name=name, data=data, filename=filename,
                           imported_by=user_id, stories=stories)
    lines = report_lines(done, filename, lang)
    if done.result.ok and done.result.kind == "outcome":
        lines.append(t(lang, "data.show_hint", outcome=done.outcome_name))
    return lines
