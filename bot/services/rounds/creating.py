"""Setting up a round: from the modal (`/gesprek ronde nieuw 9`) or from a file shared in a DM.

Why both end in the same checks (rounds/checks.py) and the same creation (rounds/setup.py): a
coordinator who types nine outcomes and one who exports them from a spreadsheet must get the
same round, refused for the same reasons. A file with any problem creates nothing; the
coordinator gets every problem with its row, in their own language.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.i18n import t
from bot.logs import log_failure
from bot.runtime.deps import Deps
from bot.services.common.caller import Caller, asking
from bot.services.data.uploads import MAX_UPLOAD_BYTES
from bot.services.rounds.checks import Defaults, RoundPlan, plan_round
from bot.services.rounds.directory import LookupFailed, resolve_people
from bot.services.rounds.overview import round_overview
from bot.services.rounds.problems import Problem, problem_body, problem_lines
from bot.services.rounds.setup import create_round
from bot.services.rounds.sheet import DEFAULT_TIME, SheetRow, read_sheet
from bot.slack.blocks.kit import section, split_text
from bot.slack.blocks.rounds import RoundForm, overview_blocks, round_modal
from bot.slack.downloads import DownloadError, download
from bot.slack.markup import clean_input
from bot.slack.outgoing import Outgoing
from storage.models import Round

log = logging.getLogger(__name__)
DEFAULT_FLOW = "duiding"
NOT_A_ROUND_FLOW = {"voorbereiding"}  # an internal preparation belongs to a joint session
_ROUND_WORD = re.compile(r"^\s*\**\s*(ronde|round)\b[\s:\-–*]*", re.IGNORECASE)
_CHANNEL_MENTION = re.compile(r"<#([CG][A-Z0-9]{2,30})(?:\|[^>]*)?>")


@dataclass(frozen=True)
class Created:
    round_id: int | None
    lines: list[str]
    blocks: list[dict]


def round_flows(deps: Deps, lang: str) -> list[tuple[str, str]]:
    return [(flow.id, flow.title.get(lang)) for flow in deps.flows.all() if flow.id not in NOT_A_ROUND_FLOW]


def round_view(deps: Deps, team_id: str, user_id: str, channel_id: str | None, slots: int) -> dict:
    with asking(deps, team_id, user_id, write=False) as me:
        me.require_coordinator()
        return round_modal(me.lang, round_flows(deps, me.lang), slots, channel_id or None)


def _created(me: Caller, rnd: Round, *, fresh: bool) -> Created:
    overview = round_overview(me.s, me.deps, rnd, me.person, coordinator=True, lang=me.lang)
    key = "rounds.created" if fresh else "rounds.already_created"
    lines = [t(me.lang, key, name=rnd.name, count=len(overview.lines), people=overview.people)]
    lines.append(t(me.lang, "rounds.prep_goes_out") if rnd.scheduled_at is None
                 else t(me.lang, "rounds.prep_planned", date=overview.when))
    return Created(rnd.id, lines, overview_blocks(me.lang, overview, controls=True))


def _create(me: Caller, plan: RoundPlan, request_key: str) -> Created:
    existing = me.s.scalar(select(Round).where(Round.request_key == request_key))
    if existing is not None:
        return _created(me, existing, fresh=False)
    rnd = create_round(me.s, me.deps, me.workspace, me.user_id, plan, request_key)
    return _created(me, rnd, fresh=True)


def _tell(me: Caller, created: Created) -> None:
    blocks = [section(chunk) for chunk in split_text("\n".join(created.lines))] + created.blocks
    Outgoing(me.s, me.workspace.id).to_person(me.user_id, created.lines[0], blocks)


# ---- the modal ------------------------------------------------------------------------------------


_PARTY_BLOCK = {"gemeente": "bm", "aanbieder": "sw"}


def _form_errors(me: Caller, form: RoundForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not form.name:
        errors["name"] = me.text("errors.field_required")
    if not form.outcomes:
        errors["o1_name"] = me.text("rounds.modal.need_outcome")
    seen: dict[str, int] = {}
    for slot, name, _people in form.outcomes:
        if not name:
            errors[f"o{slot}_name"] = me.text("rounds.modal.need_name")
        elif name.casefold() in seen:
            errors[f"o{slot}_name"] = me.text("rounds.modal.same_outcome", number=seen[name.casefold()])
        seen.setdefault(name.casefold(), slot)
    if form.flow_id in NOT_A_ROUND_FLOW or form.flow_id not in {f.id for f in me.deps.flows.all()}:
        errors["flow"] = me.text("errors.unknown_flow")
    return errors


def _block_of(problem: Problem) -> str:
    slot = problem.row or 1
    if problem.code == "missing_party":
        return f"o{slot}_{_PARTY_BLOCK[str(problem.params['party'])]}"
    if problem.code in ("moment_in_past", "missing_moment"):
        return "date"
    if problem.code == "missing_channel":
        return "channel"
    return f"o{slot}_sw" if problem.code == "duplicate_row" else f"o{slot}_name"


def submit_round_form(deps: Deps, team_id: str, user_id: str, form: RoundForm, request_key: str) -> dict | None:
    """Create the round from the modal, or errors per field (nothing is created then)."""
    with asking(deps, team_id, user_id) as me:
        me.require_coordinator()
        errors = _form_errors(me, form)
        if errors:
            return errors
        moment = datetime.combine(form.on_date, form.at_time or DEFAULT_TIME) if form.on_date else None
        rows = [SheetRow(slot, name, role, user, form.flow_id, form.channel_id or None, moment)
                for slot, name, people in form.outcomes for user, role in people.items()]
        defaults = Defaults(form.flow_id, form.channel_id or None, deps.settings.tz, deps.now())
        plan, problems = plan_round(form.name, rows, {r.who: r.who for r in rows}, defaults)
        for slot, name, people in form.outcomes:
            if not people:
                problems.append(Problem("missing_party", slot, None, {"outcome": name, "party": "gemeente"}))
        if plan is None or problems:
            return {_block_of(p): problem_body(p, me.lang) for p in reversed(problems)}
        _tell(me, _create(me, plan, request_key))
    return None


# ---- a file shared in a DM -------------------------------------------------------------------------


def is_round_message(text: str | None) -> bool:
    """A file shared with 'ronde …' (or 'round …') as its message sets up a round."""
    return bool(_ROUND_WORD.match(clean_input(text or "", slack_escaped=True)))


def _name_and_channel(text: str) -> tuple[str, str | None]:
    channel = _CHANNEL_MENTION.search(text or "")
    rest = _CHANNEL_MENTION.sub(" ", text or "")
    rest = re.sub(r"<[@!][^>]*>", " ", rest)
    name = _ROUND_WORD.sub("", clean_input(rest, slack_escaped=True))
    return " ".join(name.strip().strip("*_~`\"'").split())[:200], channel.group(1) if channel else None


def _check_file(deps: Deps, team_id: str, name: str, channel: str | None, data: bytes, filename: str,
                lang: str) -> tuple[RoundPlan | None, list[str]]:
    """The round's plan, or the lines that tell why not (nothing is created in either case here)."""
    flows = {f.id for f in deps.flows.all()} - NOT_A_ROUND_FLOW
    sheet = read_sheet(data, filename, flows)
    problems = list(sheet.problems)
    if not problems:
        try:
            resolved = resolve_people(deps, team_id, [r.who for r in sheet.rows])
        except LookupFailed:
            return None, [t(lang, "rounds.file.lookup_failed", file=filename)]
        defaults = Defaults(DEFAULT_FLOW, channel, deps.settings.tz, deps.now(), sheet.headers)
        plan, problems = plan_round(name or filename, sheet.rows, resolved, defaults)
        if plan is not None:
            return plan, []
    lines = [t(lang, "rounds.file.refused", file=filename, count=len(problems))]
    return None, lines + ["• " + line for line in problem_lines(problems, lang)]


def handle_round_file(deps: Deps, team_id: str, event: dict) -> None:
    """A coordinator shared a round file in a DM: check it whole, then create the round or say why not."""
    user_id, files = event.get("user") or "", [f for f in event.get("files") or [] if isinstance(f, dict)]
    if not user_id or not files:
        return
    file = files[0]
    filename = str(file.get("name") or file.get("title") or "ronde")
    with asking(deps, team_id, user_id) as me:
        lang, workspace_id = me.lang, me.workspace.id
        if not me.is_coordinator():
            Outgoing(me.s, workspace_id).to_person(user_id, me.text("rounds.file.not_coordinator"))
            return
    name, channel = _name_and_channel(event.get("text") or "")
    try:
        if int(file.get("size") or 0) > MAX_UPLOAD_BYTES:
            raise DownloadError("too_large")
        data = download(file.get("url_private_download") or file.get("url_private") or "",
                        deps.tokens.bot_token(team_id) or "", api_url=deps.settings.slack_api_url,
                        limit=MAX_UPLOAD_BYTES)
        plan, lines = _check_file(deps, team_id, name, channel, data, filename, lang)
    except DownloadError:
        plan, lines = None, [t(lang, "data.upload_download_failed", file=filename)]
    except Exception:
        log_failure(log, "a round file could not be handled")
        plan, lines = None, [t(lang, "errors.generic")]
    with asking(deps, team_id, user_id) as me:
        if plan is None:
            _tell(me, Created(None, lines, []))
            return
        _tell(me, _create(me, plan, f"round-file:{team_id}:{file.get('id') or filename}"))
