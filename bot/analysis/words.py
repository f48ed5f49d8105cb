"""From an answer's text to the words it is about: lemmas without stop words, plus compound parts.

Why lemmas: "eenzame ouderen" and "eenzaamheid bij oudere bewoners" must meet on the same words,
and Dutch inflects (ouderen/oudere, avonden/avond, liep/lopen). simplemma ships its dictionaries
inside the package, so nothing is downloaded at run time. Each word is looked up in the
session's language first and in the other one second, so a Dutch session with an English answer
still gets "meetings" → "meeting".

Why our own compound matching and not simplemma's decomposition: simplemma switches compound
splitting off for Dutch on purpose (its authors measured it to hurt), and a dictionary split
made odd parts in our trials ("buurthuis" → "buur" + "thuis", "regiotaxi" → "taxiën").
Instead we match within the answers being grouped: a word that ends with another word of the
same answers counts as that word too ("buurtbewoner" also counts as "bewoner" when someone wrote
"bewoners"), and so does a word that starts with one ("activiteitenaanbod" also counts as
"activiteit" when someone wrote "activiteiten"). Only words that the group itself used get
linked, which keeps the matching explainable. Some letters must remain beside the part: three
before a last part, so "thuis" never counts as "huis"; two after a first part, so that
"mantelzorger" counts as "mantelzorg" (the -er of a person) while "oudere" does not count as
"ouder".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy

from bot.analysis.stopwords import is_stop_word

LANGUAGES: Final[tuple[str, ...]] = ("nl", "en")
MIN_WORD = 2  # shorter "words" are initials and clitics ('s, d'r), never a topic
MIN_PART = 4  # a compound part must be a word of its own: zorg, wijk, huis, taal
MIN_REST = 3  # what remains before a last part: "thuis" is no compound of "huis"
MIN_ENDING = 2  # what remains after a first part: "mantelzorger" is about "mantelzorg"

# Letters only: digits, punctuation, emoji and hyphens separate words ("zorg-en-welzijn").
_WORD: Final = re.compile(r"[^\W\d_]+")


def _new_lemmatizer() -> Lemmatizer:
    """A lemmatiser on simplemma's memory-frugal dictionaries.

    ~8 MB instead of ~70 MB for Dutch and English together, for ~40 ms more on the benchmark's
    200 long answers; a bot process keeps the dictionaries for its whole life.
    """
    return Lemmatizer(lemmatization_strategy=DefaultStrategy(low_memory=True))


_lemmatizer = _new_lemmatizer()


@dataclass(frozen=True)
class Word:
    """One word of an answer: its lemma (what we compare) and its surface (what we show)."""

    lemma: str
    surface: str


def check_language(language: str) -> tuple[str, str]:
    """The lookup order for a session language: that language first, the other one second."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    return (language, "en" if language == "nl" else "nl")


def words_of(text: str, language: str) -> list[Word]:
    """The words of one answer that can carry a topic, lemmatised, in the order written."""
    order = check_language(language)
    found: list[Word] = []
    for match in _WORD.finditer(text.lower()):
        surface = match.group()
        if len(surface) < MIN_WORD or is_stop_word(surface):
            continue
        lemma = _lemmatizer.lemmatize(surface, order).lower()
        if len(lemma) < MIN_WORD or is_stop_word(lemma):
            continue
        found.append(Word(lemma, surface))
    return found


def compound_parts(vocabulary: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """For each lemma, the longest other lemma it ends with and the longest it starts with.

    Both, because a Dutch compound names a kind of its last part (a buurtbewoner is a bewoner)
    while its first part often names the topic (activiteitenaanbod is about activities).
    Only the longest of each, so "mantelzorgondersteuning" counts as "ondersteuning", not
    also as "steuning".
    """
    known = set(vocabulary)
    parts: dict[str, tuple[str, ...]] = {}
    for word in known:
        found = []
        for cut in range(MIN_REST, len(word) - MIN_PART + 1):  # longest ending first
            if word[cut:] in known:
                found.append(word[cut:])
                break
        for cut in range(len(word) - MIN_ENDING, MIN_PART - 1, -1):  # longest beginning first
            if word[:cut] in known:
                found.append(word[:cut])
                break
        if found:
            parts[word] = tuple(found)
    return parts


def features(documents: Sequence[Sequence[Word]]) -> list[list[str]]:
    """Per answer the terms to weigh: each lemma, plus the compound parts it contains."""
    parts = compound_parts(word.lemma for document in documents for word in document)
    result = []
    for document in documents:
        terms: list[str] = []
        for word in document:
            terms.append(word.lemma)
            terms.extend(parts.get(word.lemma, ()))
        result.append(terms)
    return result


def clear_cache() -> None:
    """Forget looked-up words (the loaded dictionaries stay): for benchmarks that time cold work."""
    global _lemmatizer
    _lemmatizer = _new_lemmatizer()


def preload(languages: Iterable[str] = LANGUAGES) -> None:
    """Load the dictionaries now (~0.5 s) rather than in the first suggestion a person waits for."""
    for language in languages:
        check_language(language)
        _lemmatizer.lemmatize("huis", language)
