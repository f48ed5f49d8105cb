"""A simple, documented heuristic: does an answer talk about activities only, not about residents?

Why: groups drift into the details of activities ("it is comfortable and tangible") instead
of what the activities brought residents. The bot then privately nudges the author back to
the outcome, and when most of a stage drifts, gives the coordinator a short hint to steer the
group back. The rules are deliberately simple and explainable:

One answer (`needs_outcome_nudge`):
    nudge when the answer has at least MIN_WORDS words, mentions at least one activity word
    (e.g. "activiteit", "bijeenkomst", "cursus", "georganiseerd", "deelnemers", "activity",
    "workshop", "organised", "sessions") and mentions no outcome word (e.g. "bewoner",
    "inwoner", "resultaat", "effect", "minder eenzaam", "zelfredzaam", "resident",
    "outcome", "wellbeing", "because of").

    Words are matched as word prefixes, case- and accent-insensitively, in Dutch and English
    together (people mix languages). Dutch glues words together, so some stems also count
    inside a word (OUTCOME_PARTS, ACTIVITY_PARTS): "buurtbewoners" and "wijkbewoners" are about residents,
    "activiteitenaanbod" and "beweegprogramma" are about activities. Only longer stems do,
    so that e.g. "uren" (hours) is not found in "buren" (neighbours).

A stage (`answers_drift` / `stage_drift`):
    of the stage's answers to `outcome_focus` questions, those with at least MIN_WORDS words
    are judged; the coordinator gets a hint when at least MIN_JUDGED answers are judged and
    more than half of them would get the nudge above.

False negatives are cheap (no nudge); false positives are polite and private.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from flows.model import Flow
from flows.state import SessionState

MIN_WORDS = 8
MIN_JUDGED = 3

ACTIVITY_WORDS: tuple[str, ...] = (
    "activiteit", "bijeenkomst", "cursus", "training", "workshop", "organiseer", "georganiseerd",
    "deelnemer", "aanbod", "spreekuur", "inloop", "koffieochtend", "uren", "huisbezoek", "groep",
    "programma", "activit", "meeting", "course", "organis", "organiz", "participant", "session",
    "event", "hours", "visits",
)

OUTCOME_WORDS: tuple[str, ...] = (
    "bewoner", "inwoner", "ouderen", "jongeren", "cliënt", "client", "deelnemers zeggen", "resultaat",
    "effect", "opgeleverd", "opbrengst", "veranderd", "verandering", "verbeterd", "beter", "minder",
    "eenzaam", "zelfredzaam", "zelfstandig", "gezond", "welzijn", "regie", "gevoel", "ervaren",
    "ervaart", "doel", "bereikt", "netwerk", "contact", "meedoen", "resident", "people", "outcome",
    "result", "impact", "changed", "improv", "better", "less", "lonel", "wellbeing", "well-being",
    "independen", "goal", "achiev", "because of", "felt", "feel",
)

# Stems that also count inside a word, as a later part of a Dutch compound.
OUTCOME_PARTS: tuple[str, ...] = (
    "bewoner", "inwoner", "ouderen", "jongeren", "kinderen", "gezinnen", "eenzaam", "eenzam", "zelfredzaam",
    "welzijn",
)
ACTIVITY_PARTS: tuple[str, ...] = (
    "activiteit", "bijeenkomst", "cursus", "training", "workshop", "spreekuur", "programma", "koffieochtend",
    "huisbezoek", "aanbod",
)


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _pattern(prefixes: tuple[str, ...], parts: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = [r"\b" + re.escape(_normalise(w)) for w in prefixes]
    alternatives += [re.escape(_normalise(w)) for w in parts]
    return re.compile("|".join(alternatives))


_ACTIVITY = _pattern(ACTIVITY_WORDS, ACTIVITY_PARTS)
_OUTCOME = _pattern(OUTCOME_WORDS, OUTCOME_PARTS)


def _judgeable(text: str) -> bool:
    return len(re.findall(r"\w+", text)) >= MIN_WORDS


def needs_outcome_nudge(answer: str, lang: str = "nl") -> bool:  # noqa: ARG001 - both languages apply
    """True when the answer is about activities only (see the module docstring for the rule)."""
    text = _normalise(answer or "")
    if not _judgeable(text):
        return False
    return bool(_ACTIVITY.search(text)) and not _OUTCOME.search(text)


@dataclass(frozen=True)
class Drift:
    """How many answers could be judged, and how many of them are about activities only."""

    judged: int
    drifting: int

    @property
    def hint(self) -> bool:
        """Give the coordinator the hint: enough answers, and most of them drift."""
        return self.judged >= MIN_JUDGED and self.drifting * 2 > self.judged


def answers_drift(answers: Iterable[str]) -> Drift:
    """Apply the stage rule to a set of answers (see the module docstring)."""
    judged = [a for a in answers if _judgeable(_normalise(a or ""))]
    return Drift(len(judged), sum(1 for a in judged if needs_outcome_nudge(a)))


def stage_drift(flow: Flow, state: SessionState, stage_id: str) -> Drift:
    """The rule applied to a stage's answers to its `outcome_focus` text questions that everyone sees."""
    questions = {q.id for q in flow.stage(stage_id).questions
                 if q.outcome_focus and q.kind == "text" and q.visible_to == "everyone"}
    return answers_drift(value for (sid, qid, _p), value in state.answers.items()
                         if sid == stage_id and qid in questions)
