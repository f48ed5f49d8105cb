"""The report's own texts in Dutch and English, its constants, and text lookups."""

from __future__ import annotations

from bot.i18n import t

EVALUATION_STAGE = "evaluatie"
PREP_STAGE = "prep"
DEFAULT_TIMEZONE = "Europe/Amsterdam"

# Texts of the report itself; role, party and visibility names come from the bot's catalogues.
TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Verslag kwaliteitsgesprek",
        "contents": "Inhoud",
        "outcome": "Maatschappelijk resultaat",
        "participants": "Deelnemers",
        "data": "Cijfers en verhalen",
        "preparation": "Voorbereiding",
        "stages": "Antwoorden per fase",
        "conclusion": "Conclusie",
        "actions": "Afgesproken acties",
        "evaluation": "Evaluatie",
        "comparison": "Vergelijking met het vorige gesprek",
        "conversation": "Gesprek",
        "theme": "Thema",
        "description": "Omschrijving",
        "scheduled": "Gepland",
        "started": "Gestart",
        "closed": "Afgesloten",
        "channel": "Slack-kanaal",
        "visibility": "Zichtbaarheid van antwoorden",
        "status": "Status",
        "status_running": "loopt nog",
        "status_planned": "gepland",
        "status_scheduled": "gepland",
        "status_closed": "afgesloten",
        "anonymous_participants": "Dit gesprek is anoniem: namen worden niet getoond.",
        "no_participants": "Er zijn geen deelnemers vastgelegd.",
        "no_data": "Er is geen datasamenvatting beschikbaar.",
        "period": "Periode {period}",
        "period_vs": "Periode {period}, vergeleken met {previous}",
        "figure": "Cijfer",
        "value": "Waarde",
        "change": "Verandering",
        "reach": "Bereik",
        "reach_of": "{reach} bereikt, {share} van {potential} mogelijke deelnemers",
        "goals": "Doelen behaald",
        "satisfied": "Tevreden",
        "mean": "Gemiddeld cijfer tevredenheid",
        "notable": "Groepen die opvallen",
        "notable_line": "{group} ({kind}): doelen behaald {goals}, tevreden {satisfied}",
        "stories": "Verhalen",
        "source": "Bron",
        "no_preparation": "Er zijn geen voorbereidingsantwoorden vastgelegd.",
        "no_stages": "Er zijn geen fasen met antwoorden.",
        "stage_skipped": "Deze fase is overgeslagen.",
        "stage_hidden": "Deze fase is nog open; de antwoorden zijn zichtbaar zodra ze sluit.",
        "no_answers": "Geen antwoorden.",
        "no_conclusion": "Er is geen conclusie vastgelegd.",
        "no_actions": "Er zijn geen acties afgesproken.",
        "action": "Actie",
        "owner": "Eigenaar",
        "due": "Uiterlijk",
        "indicator": "Indicator en doel",
        "action_open": "open",
        "action_done": "gedaan",
        "action_dropped": "vervallen",
        "no_evaluation": "Er is (nog) geen evaluatie vastgelegd.",
        "no_previous": "Er is geen eerder afgesloten gesprek in deze reeks om mee te vergelijken.",
        "previous_date": "Vorig gesprek: {date}",
        "previous_conclusion": "Conclusie van toen",
        "previous_actions": "Acties van toen en hoe ze er nu voor staan",
        "previous_done": "{done} van de {total} acties zijn gedaan.",
        "generated": "Gemaakt op {date}",
        "unknown": "onbekend",
        "person": "Persoon",
        "period_label": "Periode",
        "indicator_name": "Indicator",
        "stage": "Fase",
        "question": "Vraag",
        "role": "Rol",
        "answer": "Antwoord",
        "party": "Partij",
        "target": "Doel",
        "count": "Aantal",
        "option": "Keuze",
        "votes": "Stemmen",
    },
    "en": {
        "title": "Quality conversation report",
        "contents": "Contents",
        "outcome": "Societal outcome",
        "participants": "Participants",
        "data": "Figures and stories",
        "preparation": "Preparation",
        "stages": "Answers by stage",
        "conclusion": "Conclusion",
        "actions": "Agreed actions",
        "evaluation": "Evaluation",
        "comparison": "Comparison with the previous conversation",
        "conversation": "Conversation",
        "theme": "Theme",
        "description": "Description",
        "scheduled": "Scheduled",
        "started": "Started",
        "closed": "Closed",
        "channel": "Slack channel",
        "visibility": "Visibility of answers",
        "status": "Status",
        "status_running": "still running",
        "status_planned": "planned",
        "status_scheduled": "planned",
        "status_closed": "closed",
        "anonymous_participants": "This conversation is anonymous: names are not shown.",
        "no_participants": "No participants were recorded.",
        "no_data": "No data summary is available.",
        "period": "Period {period}",
        "period_vs": "Period {period}, compared with {previous}",
        "figure": "Figure",
        "value": "Value",
        "change": "Change",
        "reach": "Reach",
        "reach_of": "{reach} reached, {share} of {potential} possible participants",
        "goals": "Goals attained",
        "satisfied": "Satisfied",
        "mean": "Average satisfaction score",
        "notable": "Groups that stand out",
        "notable_line": "{group} ({kind}): goals attained {goals}, satisfied {satisfied}",
        "stories": "Stories",
        "source": "Source",
        "no_preparation": "No preparation answers were recorded.",
        "no_stages": "There are no stages with answers.",
        "stage_skipped": "This stage was skipped.",
        "stage_hidden": "This stage is still open; its answers are shown once it closes.",
        "no_answers": "No answers.",
        "no_conclusion": "No conclusion was recorded.",
        "no_actions": "No actions were agreed.",
        "action": "Action",
        "owner": "Owner",
        "due": "Due",
        "indicator": "Indicator and target",
        "action_open": "open",
        "action_done": "done",
        "action_dropped": "dropped",
        "no_evaluation": "No evaluation has been recorded (yet).",
        "no_previous": "There is no earlier closed conversation in this series to compare with.",
        "previous_date": "Previous conversation: {date}",
        "previous_conclusion": "Its conclusion",
        "previous_actions": "Its actions and where they stand now",
        "previous_done": "{done} of the {total} actions are done.",
        "generated": "Made on {date}",
        "unknown": "unknown",
        "person": "Person",
        "period_label": "Period",
        "indicator_name": "Indicator",
        "stage": "Stage",
        "question": "Question",
        "role": "Role",
        "answer": "Answer",
        "party": "Party",
        "target": "Target",
        "count": "Count",
        "option": "Option",
        "votes": "Votes",
    },
}

# The council reads the conclusion and the actions first, then the figures and their sources,
# then how the conversation went and every answer by stage and role (issue 12 point 22).
SECTION_IDS: tuple[str, ...] = (
    "conclusion", "actions", "data", "comparison", "outcome", "participants", "preparation", "stages",
    "evaluation",
)


class SessionNotFound(LookupError):
    """No session with this id exists (the CLI turns this into one line on stderr)."""


def _text(lang: str, key: str, **params: object) -> str:
    text = TEXTS.get(lang, TEXTS["nl"]).get(key) or TEXTS["nl"][key]
    return text.format(**params) if params else text


def _catalogue(lang: str, key: str, fallback: str) -> str:
    """A name from the bot's catalogue (roles, parties, visibility); stored values we do not know
    (a newer role, an old party name) are shown as they are rather than breaking the report."""
    try:
        return t(lang, key)
    except KeyError:
        return fallback


