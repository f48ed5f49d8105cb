"""Proposed themes for the answers of one stage: similar answers grouped, each group labelled.

Why: a stage of eight people yields eight to twenty answers; before the group can say where
municipality and provider agree, someone has to sort them. The bot proposes a sorting; the
coordinator accepts, renames, merges or splits it (see `bot.analysis.theme_edits`).

Method, all offline and deterministic: lemmas without stop words plus compound parts
(`bot.analysis.words`), TF-IDF weights (scikit-learn, sublinear term frequency so a 3,000
character answer does not drown a short one), cosine distance, agglomerative clustering with
average linkage. Average linkage because a theme should be close to all of its answers, not
reachable through a chain of them (single linkage) nor held to its farthest pair (complete
linkage). Labels are the group's most characteristic words.

Where to cut: unrelated answers are farther apart when they are short (two one-line answers
about different things share no word: distance 1.0) than when they are long (two 3,000
character answers share everyday words: ~0.9). A fixed cut that groups two short paraphrases
(~0.85) lumps long answers together. So the cut is measured on the stage's own answers: most
pairs of answers are unrelated, so the BACKGROUND_QUANTILE of all pair distances is what
"unrelated" means here, and a theme must be MARGIN closer than that, within [MIN_CUT, MAX_CUT].
Two answers have no background to measure; they are cut at MAX_CUT. When every answer is
about the same thing, the proposal splits finer; one merge undoes that. The constants were
tuned on the benchmark's generated answers (benchmarks/answers.py, short and long, two to
eight topics) and the examples in tests/bot/analysis.

Answers that resemble no other answer stay a theme of their own: one person's point is still a
point, and the agreement block must be able to say that only one party raised it. Only answers
without any word to group on (empty, only stop words, only emoji or figures) go to one rest
group, labelled "Overig"/"Other" and marked `rest`, which the agreement block leaves out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_distances

from bot.analysis.words import Word, check_language, features, words_of

AnswerKey = int | str

BACKGROUND_QUANTILE: Final = 0.75  # of the stage's pair distances: what "unrelated" means here
MARGIN: Final = 0.15  # how much closer than unrelated a theme's answers must be, on average
MIN_CUT: Final = 0.5
MAX_CUT: Final = 0.9  # two short answers sharing one word of ten (~0.85) still meet
LABEL_WORDS: Final = 2
LABEL_SEPARATOR: Final = " · "
MAX_LABEL: Final = 75  # Slack's limit for an option's or a button's text
REST_LABEL: Final[dict[str, str]] = {"nl": "Overig", "en": "Other"}


@dataclass(frozen=True)
class Theme:
    """A named group of answers. `rest` marks the group of answers we could not group."""

    id: str
    label: str
    answer_keys: tuple[AnswerKey, ...]
    rest: bool = False


@dataclass(frozen=True)
class Themes:
    """The themes of one stage, in the order shown. Immutable: every edit returns a new value."""

    items: tuple[Theme, ...] = ()
    language: str = "nl"
    issued: int = 0  # highest theme number handed out ("t7" → 7): ids of removed themes stay unused

    def __post_init__(self) -> None:
        check_language(self.language)
        numbers = [int(t.id[1:]) for t in self.items if t.id[:1] == "t" and t.id[1:].isdigit()]
        object.__setattr__(self, "issued", max(self.issued, *numbers, 0))
        ids = [theme.id for theme in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError(f"theme ids must be unique, got {ids}")
        keys = [key for theme in self.items for key in theme.answer_keys]
        if len(set(keys)) != len(keys):
            raise ValueError("an answer can be in one theme only")
        if any(not theme.answer_keys for theme in self.items):
            raise ValueError("a theme holds at least one answer")

    def __iter__(self) -> Iterator[Theme]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def answer_keys(self) -> tuple[AnswerKey, ...]:
        return tuple(key for theme in self.items for key in theme.answer_keys)

    def find(self, theme_id: str) -> Theme | None:
        return next((theme for theme in self.items if theme.id == theme_id), None)

    def theme_of(self, answer_key: AnswerKey) -> Theme | None:
        return next((theme for theme in self.items if answer_key in theme.answer_keys), None)

    def next_id(self) -> str:
        """An id no theme has had, also none that was merged away.

        Why never reuse: a modal opened before a merge still names the old theme; with a reused
        id its submission would edit a different theme instead of being refused.
        """
        return f"t{self.issued + 1}"


def propose_themes(answers: Sequence[tuple[AnswerKey, str]], language: str) -> Themes:
    """Group one stage's answers into proposed themes, largest first.

    `answers` are (answer key, text) pairs; `language` is the session's ('nl' or 'en'), used
    for looking words up first and for the rest group's label. No answers give no themes (the
    caller says there is nothing to group).
    """
    check_language(language)
    keys = [key for key, _text in answers]
    if len(set(keys)) != len(keys):
        raise ValueError("answer keys must be unique")
    documents = [words_of(text or "", language) for _key, text in answers]
    readable = [index for index, document in enumerate(documents) if document]
    groups: list[tuple[list[int], str]] = []
    if readable:
        terms = features([documents[index] for index in readable])
        matrix, vocabulary = _weights(terms)
        for members in _cluster(matrix):
            label = _label(matrix[members], vocabulary, [terms[m] for m in members],
                           [documents[readable[m]] for m in members])
            groups.append(([readable[m] for m in members], label))
    groups.sort(key=lambda group: (-len(group[0]), group[0][0]))
    items = [Theme(f"t{n}", label, tuple(keys[i] for i in members))
             for n, (members, label) in enumerate(_unique_labels(groups), start=1)]
    unreadable = [index for index, document in enumerate(documents) if not document]
    if unreadable:
        items.append(Theme(f"t{len(items) + 1}", REST_LABEL[language],
                           tuple(keys[i] for i in unreadable), rest=True))
    return Themes(tuple(items), language)


def _identity(terms: list[str]) -> list[str]:
    """The analyzer: the terms are already made by `bot.analysis.words`."""
    return terms


def _weights(terms: list[list[str]]) -> tuple[object, np.ndarray]:
    """TF-IDF rows (L2-normalised, sparse) and the term of each column."""
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    matrix = vectorizer.fit_transform(terms)
    return matrix, vectorizer.get_feature_names_out()


def _cluster(matrix) -> list[list[int]]:
    """Row numbers per cluster, each list in input order."""
    rows = matrix.shape[0]
    if rows == 1:
        return [[0]]
    distances = np.clip(cosine_distances(matrix), 0.0, 2.0)
    distances = (distances + distances.T) / 2  # exact symmetry despite rounding
    np.fill_diagonal(distances, 0.0)
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=cut(distances))
    labels = model.fit_predict(distances)
    clusters: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        clusters.setdefault(int(label), []).append(row)
    return list(clusters.values())


def cut(distances: np.ndarray) -> float:
    """The distance below which answers form a theme, measured on this stage's answers."""
    rows = distances.shape[0]
    if rows < 3:
        return MAX_CUT
    background = float(np.quantile(distances[np.triu_indices(rows, 1)], BACKGROUND_QUANTILE))
    return float(np.clip(background - MARGIN, MIN_CUT, MAX_CUT))


def _label(rows, vocabulary: np.ndarray, terms: list[list[str]], documents: list[list[Word]]) -> str:
    """The group's LABEL_WORDS most characteristic terms, shown as the word the answers typed most.

    Most characteristic: used in the most of the group's answers (what they share), then the
    highest mean TF-IDF weight (what sets them apart from the other answers), then the earliest
    written (in one answer many words weigh the same, and people tend to open with their
    point), so labels are stable. A term inside an already chosen one, or containing it, is
    skipped: "buurtbewoners · bewoners" says one thing twice.
    """
    weights = np.round(np.asarray(rows.mean(axis=0)).ravel(), 9)
    spread = np.asarray((rows > 0).sum(axis=0)).ravel()
    first: dict[str, int] = {}
    for answer_terms in terms:
        for position, term in enumerate(answer_terms):
            first[term] = min(position, first.get(term, position))
    ranked = sorted(np.flatnonzero(weights),
                    key=lambda i: (-spread[i], -weights[i], first[vocabulary[i]], vocabulary[i]))
    chosen: list[str] = []
    for index in ranked:
        term = str(vocabulary[index])
        if any(term in other or other in term for other in chosen):
            continue
        chosen.append(term)
        if len(chosen) == LABEL_WORDS:
            break
    typed = Counter(word for document in documents for word in document)
    label = LABEL_SEPARATOR.join(_surface(term, typed) for term in chosen)
    return (label[:1].upper() + label[1:])[:MAX_LABEL]


def _surface(lemma: str, typed: Counter[Word]) -> str:
    """The form the answers used most for a lemma; the lemma itself for a compound part."""
    forms = [(count, word.surface) for word, count in typed.items() if word.lemma == lemma]
    if not forms:
        return lemma
    return min(forms, key=lambda form: (-form[0], form[1]))[1]


def _unique_labels(groups: list[tuple[list[int], str]]) -> list[tuple[list[int], str]]:
    """Number repeated labels ("Vervoer (2)"): the coordinator must tell themes apart."""
    seen: Counter[str] = Counter()
    result = []
    for members, label in groups:
        seen[label.casefold()] += 1
        count = seen[label.casefold()]
        result.append((members, label if count == 1 else f"{label} ({count})"))
    return result
