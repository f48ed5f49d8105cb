"""Shared sense-making, the pure part: themes for a stage's answers, agreement between the parties.

Pure on purpose, like `flows`: no Slack, no SQL, no services. The callers in `bot` load the
answers, call these functions with plain values, and store and show the results (escaping what
people typed). That keeps the analysis testable in milliseconds and usable by Slack, the report
and the export alike. Imports: the standard library, numpy, scikit-learn, simplemma, and
`flows.roles` for which side of the table a role sits on (a test enforces this).
"""

from bot.analysis.agreement import Agreement, ScaleSpread, Spread, ThemeSides, compare, render
from bot.analysis.theme_edits import (
    AnswerNotInTheme,
    DuplicateLabel,
    EmptyLabel,
    EmptySelection,
    LabelTooLong,
    SameTheme,
    ThemeEditError,
    UnknownAnswer,
    UnknownTheme,
    WholeTheme,
    merge,
    move,
    rename,
    split,
)
from bot.analysis.themes import AnswerKey, Theme, Themes, propose_themes

__all__ = [
    "Agreement", "AnswerKey", "AnswerNotInTheme", "DuplicateLabel", "EmptyLabel", "EmptySelection",
    "LabelTooLong", "SameTheme", "ScaleSpread", "Spread", "Theme", "ThemeEditError", "ThemeSides", "Themes",
    "UnknownAnswer", "UnknownTheme", "WholeTheme", "compare", "merge", "move", "propose_themes", "rename",
    "render", "split",
]
