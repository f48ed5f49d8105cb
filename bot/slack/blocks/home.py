"""The App Home tab: what is waiting for this person, and for coordinators the overview.

Why a budget: a Home view holds at most 100 blocks. Each list shows a page of items and a
"show more" button that republishes the view with a larger page; a view never overflows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import t
from bot.slack.blocks.kit import VIEW_BLOCKS_MAX, actions, button, context, divider, header, section
from bot.slack.blocks.rounds import overview_blocks
from bot.slack.ids import Action
from bot.slack.markup import channel


@dataclass(frozen=True)
class PromptItem:
    session_id: int
    stage_id: str
    outcome: str
    stage_title: str
    channel_id: str


@dataclass(frozen=True)
class UpcomingItem:
    outcome: str
    when: str
    what: str


@dataclass(frozen=True)
class ActionItem:
    action_id: int
    what: str
    due: str | None


@dataclass(frozen=True)
class RunningItem:
    outcome: str
    flow: str
    stage_title: str
    answered: int
    expected: int
    channel_id: str
    session_id: int | None = None  # coordinators manage its people from the Home tab


@dataclass
class HomeModel:
    lang: str
    is_coordinator: bool
    prompts: list[PromptItem] = field(default_factory=list)
    upcoming: list[UpcomingItem] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    running: list[RunningItem] = field(default_factory=list)
    series: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    rounds: list = field(default_factory=list)  # bot.services.rounds.overview.RoundOverview, newest first
    page: int = 10


def _more(lang: str, remaining: int, page: int, section_id: str) -> list[dict]:
    if remaining <= 0:
        return []
    return [
        context(t(lang, "home.more_items", count=remaining)),
        actions(button(t(lang, "home.show_more"), Action.HOME_MORE, str(page * 2)), block_id=f"more_{section_id}"),
    ]


def home_view(model: HomeModel) -> dict:
    lang, page = model.lang, max(1, model.page)
    blocks: list[dict] = [header(t(lang, "home.welcome_title")), section(t(lang, "home.welcome"))]

    blocks += [divider(), header(t(lang, "home.your_prompts"))]
    if not model.prompts:
        blocks.append(context(t(lang, "home.no_prompts")))
    for item in model.prompts[:page]:
        blocks.append(section(
            t(lang, "home.stage_line", outcome=item.outcome, stage=item.stage_title) + f"\n{channel(item.channel_id)}",
            accessory=button(t(lang, "home.answer_button"), Action.ANSWER_OPEN, f"{item.session_id}:{item.stage_id}",
                             style="primary"),
        ))
    blocks += _more(lang, len(model.prompts) - page, page, "prompts")
    for overview in model.rounds:  # the newest round: where a coordinator running one looks first
        blocks += [divider(), *overview_blocks(lang, overview, controls=overview.coordinator), divider()]

    blocks += [header(t(lang, "home.upcoming"))]
    if not model.upcoming:
        blocks.append(context(t(lang, "home.no_upcoming")))
    for up in model.upcoming[:page]:
        blocks.append(section(f"*{up.outcome}* · {up.what}\n{up.when}"))
    blocks += _more(lang, len(model.upcoming) - page, page, "upcoming")

    blocks += [header(t(lang, "home.your_actions"))]
    if not model.actions:
        blocks.append(context(t(lang, "home.no_actions")))
    for act in model.actions[:page]:
        due = f" · {t(lang, 'home.due', date=act.due)}" if act.due else ""
        blocks.append(section(f"{act.what}{due}",
                              accessory=button(t(lang, "action.done"), Action.ACTION_DONE, str(act.action_id))))
    blocks += _more(lang, len(model.actions) - page, page, "actions")

    if model.is_coordinator:
        blocks += [divider(), header(t(lang, "home.coordinator")),
                   actions(button(t(lang, "home.start_button"), Action.HOME_START, "start", style="primary"),
                           button(t(lang, "rounds.home.new_round"), Action.ROUND_NEW, "round"),
                           button(t(lang, "home.import_button"), Action.HOME_IMPORT, "import"),
                           block_id="coordinator_buttons"),
                   section("*" + t(lang, "home.running") + "*")]
        if not model.running:
            blocks.append(context(t(lang, "home.no_running")))
        for run in model.running[:page]:
            progress = t(lang, "home.progress", answered=run.answered, expected=run.expected)
            people = (button(t(lang, "rounds.controls.people"), Action.SESSION_PEOPLE, str(run.session_id))
                      if run.session_id is not None else None)
            blocks.append(section(f"*{run.outcome}* ({run.flow}) · {run.stage_title}\n{channel(run.channel_id)} · "
                                  f"{progress}", accessory=people))
        blocks += _more(lang, len(model.running) - page, page, "running")
        if model.series:
            blocks.append(section("*" + t(lang, "home.series") + "*\n" + "\n".join(model.series[:page])))
        if model.datasets:
            blocks.append(section("*" + t(lang, "home.datasets") + "*\n" + "\n".join(model.datasets[:page])))

    if len(blocks) > VIEW_BLOCKS_MAX:  # last resort; pages above normally keep us far below
        blocks = blocks[: VIEW_BLOCKS_MAX - 1] + [context(t(lang, "home.more_items", count="…"))]
    return {"type": "home", "blocks": blocks}
