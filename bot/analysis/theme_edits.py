"""What the coordinator does with proposed themes: rename, merge, split, move an answer.

Pure functions from a `Themes` value to a new one, so the modal's handler can try an edit,
show the refusal in the modal when it fails, and store the result when it succeeds. Every
refusal is its own exception class (like the flow loader's errors), carrying the values the
caller needs to say what went wrong in the coordinator's language; none of them is shown as
is. Ordering is kept stable on purpose: a theme that was third stays third after a rename or a
merge, and a theme split off appears right after the one it came from, so the coordinator
does not lose their place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from bot.analysis.themes import MAX_LABEL, AnswerKey, Theme, Themes


class ThemeEditError(ValueError):
    """Base of every refused edit."""


class UnknownTheme(ThemeEditError):
    def __init__(self, theme_id: str) -> None:
        super().__init__(f"no theme {theme_id!r}")
        self.theme_id = theme_id


class UnknownAnswer(ThemeEditError):
    def __init__(self, answer_key: AnswerKey) -> None:
        super().__init__(f"no answer {answer_key!r} in these themes")
        self.answer_key = answer_key


class EmptyLabel(ThemeEditError):
    def __init__(self) -> None:
        super().__init__("a theme needs a name")


class LabelTooLong(ThemeEditError):
    def __init__(self, length: int) -> None:
        super().__init__(f"a theme name has at most {MAX_LABEL} characters, got {length}")
        self.length = length
        self.limit = MAX_LABEL


class DuplicateLabel(ThemeEditError):
    def __init__(self, label: str, theme_id: str) -> None:
        super().__init__(f"theme {theme_id!r} is already called {label!r}")
        self.label = label
        self.theme_id = theme_id


class SameTheme(ThemeEditError):
    def __init__(self, theme_id: str) -> None:
        super().__init__(f"cannot merge theme {theme_id!r} with itself")
        self.theme_id = theme_id


class EmptySelection(ThemeEditError):
    def __init__(self) -> None:
        super().__init__("choose at least one answer to split off")


class AnswerNotInTheme(ThemeEditError):
    def __init__(self, answer_key: AnswerKey, theme_id: str) -> None:
        super().__init__(f"answer {answer_key!r} is not in theme {theme_id!r}")
        self.answer_key = answer_key
        self.theme_id = theme_id


class WholeTheme(ThemeEditError):
    """Splitting off every answer would leave an empty theme: that is a rename."""

    def __init__(self, theme_id: str) -> None:
        super().__init__(f"splitting off all answers of theme {theme_id!r} leaves it empty; rename it instead")
        self.theme_id = theme_id


def clean_label(label: str, themes: Themes, *, for_theme: str | None = None) -> str:
    """The label as stored: whitespace collapsed; refused when empty, too long or taken.

    Taken compares without case: "Vervoer" and "vervoer" side by side cannot be told apart in
    a list. `for_theme` is the theme being renamed, which may keep its own name.
    """
    cleaned = " ".join((label or "").split())
    if not cleaned:
        raise EmptyLabel()
    if len(cleaned) > MAX_LABEL:
        raise LabelTooLong(len(cleaned))
    for theme in themes:
        if theme.id != for_theme and theme.label.casefold() == cleaned.casefold():
            raise DuplicateLabel(cleaned, theme.id)
    return cleaned


def _get(themes: Themes, theme_id: str) -> Theme:
    theme = themes.find(theme_id)
    if theme is None:
        raise UnknownTheme(theme_id)
    return theme


def _replaced(themes: Themes, changes: dict[str, Theme | None]) -> Themes:
    """Themes with some replaced (or removed, for None), order kept."""
    items = []
    for theme in themes:
        new = changes.get(theme.id, theme)
        if new is not None:
            items.append(new)
    return Themes(tuple(items), themes.language, themes.issued)


def rename(themes: Themes, theme_id: str, label: str) -> Themes:
    """Give a theme a name. A renamed rest group becomes an ordinary theme: someone gave it meaning."""
    theme = _get(themes, theme_id)
    cleaned = clean_label(label, themes, for_theme=theme_id)
    return _replaced(themes, {theme_id: replace(theme, label=cleaned, rest=False)})


def merge(themes: Themes, into_id: str, from_id: str) -> Themes:
    """Move all answers of `from_id` under `into_id` (after its own) and drop `from_id`.

    The merged theme keeps `into_id`'s name, place and kind: merged into the rest group, the
    answers are declared "other"; rename afterwards to name the merged theme anew.
    """
    if into_id == from_id:
        _get(themes, into_id)
        raise SameTheme(into_id)
    into, source = _get(themes, into_id), _get(themes, from_id)
    merged = replace(into, answer_keys=into.answer_keys + source.answer_keys)
    return _replaced(themes, {into_id: merged, from_id: None})


def split(themes: Themes, theme_id: str, answer_keys: Iterable[AnswerKey], label: str) -> Themes:
    """Take some answers out of a theme into a new theme called `label`, placed right after it."""
    theme = _get(themes, theme_id)
    chosen = list(dict.fromkeys(answer_keys))  # a key ticked twice counts once
    if not chosen:
        raise EmptySelection()
    for key in chosen:
        if key not in theme.answer_keys:
            if themes.theme_of(key) is None:
                raise UnknownAnswer(key)
            raise AnswerNotInTheme(key, theme_id)
    if len(chosen) == len(theme.answer_keys):
        raise WholeTheme(theme_id)
    cleaned = clean_label(label, themes)
    kept = replace(theme, answer_keys=tuple(k for k in theme.answer_keys if k not in chosen))
    new = Theme(themes.next_id(), cleaned, tuple(k for k in theme.answer_keys if k in chosen))
    items: list[Theme] = []
    for item in themes:
        items.extend((kept, new) if item.id == theme_id else (item,))
    return Themes(tuple(items), themes.language, themes.issued)


def move(themes: Themes, answer_key: AnswerKey, to_id: str) -> Themes:
    """Put one answer under another theme (at its end). A theme left empty disappears.

    Moving an answer to the theme it is in changes nothing and is no error: a double click
    in Slack sends the same move twice.
    """
    target = _get(themes, to_id)
    source = themes.theme_of(answer_key)
    if source is None:
        raise UnknownAnswer(answer_key)
    if source.id == to_id:
        return themes
    remaining = tuple(k for k in source.answer_keys if k != answer_key)
    return _replaced(themes, {
        source.id: replace(source, answer_keys=remaining) if remaining else None,
        to_id: replace(target, answer_keys=target.answer_keys + (answer_key,)),
    })
