"""Proposed themes: what belongs together lands together, labels read well, edge cases hold."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis.themes import MAX_LABEL, Themes, propose_themes
from bot.analysis.words import words_of

HERKENNEN = [
    (1, "Ja, we herkennen dat veel ouderen in Noord eenzaam zijn, vooral na het overlijden van hun partner."),
    (2, "De eenzaamheid onder ouderen is groter dan de cijfers laten zien; veel eenzame ouderen komen nooit in beeld."),
    (3, "Vervoer is een probleem: de belbus rijdt 's avonds niet meer, dus ouderen blijven thuis."),
    (4, "Zonder goed vervoer halen ouderen de activiteiten niet; de regiotaxi vinden ze te duur."),
    (5, "Mantelzorgers zijn overbelast en vragen om ondersteuning."),
    (6, "Veel mantelzorgers houden het niet vol zonder respijtzorg of mantelzorgondersteuning."),
    (7, "Het bereik onder jongeren blijft achter; het jongerenwerk ziet ze te weinig."),
]

PARAPHRASES = [
    (10, "Het activiteitenaanbod voor ouderen is te beperkt."),
    (11, "Er zijn te weinig activiteiten voor ouderen in de wijk."),
    (12, "Mantelzorgers raken overbelast."),
    (13, "Veel mantelzorgers houden de mantelzorg niet vol."),
    (14, "De buurtbewoners missen een ontmoetingsplek."),
    (15, "Bewoners zoeken een plek om elkaar te ontmoeten."),
]

ENGLISH = [
    ("a", "Many older residents feel lonely, especially in the evenings."),
    ("b", "Loneliness among older people is higher than the figures show; lonely people stay out of sight."),
    ("c", "Family carers are overburdened and ask for respite care."),
    ("d", "Carers cannot keep going without respite care."),
]


def groups(themes: Themes) -> list[set]:
    return [set(theme.answer_keys) for theme in themes]


def together(themes: Themes, *keys) -> bool:
    return any(set(keys) <= group for group in groups(themes))


def test_answers_about_clearly_different_topics_land_in_different_themes():
    themes = propose_themes(HERKENNEN, "nl")
    assert together(themes, 1, 2)
    assert together(themes, 3, 4)
    assert together(themes, 5, 6)
    assert len({themes.theme_of(key).id for key in (1, 3, 5, 7)}) == 4


def test_paraphrases_with_inflections_and_compounds_land_together():
    """activiteitenaanbod ~ activiteiten, mantelzorgers ~ mantelzorg, buurtbewoners ~ bewoners."""
    themes = propose_themes(PARAPHRASES, "nl")
    assert groups(themes) == [{10, 11}, {12, 13}, {14, 15}]


def test_english_paraphrases_land_together():
    themes = propose_themes(ENGLISH, "en")
    assert groups(themes) == [{"a", "b"}, {"c", "d"}]


def test_labels_are_two_words_the_answers_used_in_their_language():
    for answers, language in ((HERKENNEN, "nl"), (ENGLISH, "en")):
        typed = {word.surface for _key, text in answers for word in words_of(text, language)}
        for theme in propose_themes(answers, language):
            words = theme.label.lower().split(" · ")
            assert 1 <= len(words) <= 2 and set(words) <= typed, theme.label
            assert theme.label[0].isupper() and len(theme.label) <= MAX_LABEL


def test_labels_name_what_the_group_shares():
    labels = {frozenset(theme.answer_keys): theme.label for theme in propose_themes(PARAPHRASES, "nl")}
    assert "activiteiten" in labels[frozenset({10, 11})].lower()
    assert "mantelzorg" in labels[frozenset({12, 13})].lower()
    assert "plek" in labels[frozenset({14, 15})].lower()


def test_a_label_does_not_say_one_thing_twice():
    themes = propose_themes([(1, "Buurtbewoners en bewoners"), (2, "bewoners, buurtbewoners")], "nl")
    assert [theme.label for theme in themes] in (["Buurtbewoners"], ["Bewoners"])


def test_themes_are_ordered_by_size_with_the_rest_group_last():
    answers = [*HERKENNEN, (8, "🙂"), (9, "Eenzame ouderen zie je niet op straat, eenzaamheid is onzichtbaar.")]
    themes = propose_themes(answers, "nl")
    sizes = [len(theme.answer_keys) for theme in themes if not theme.rest]
    assert sizes == sorted(sizes, reverse=True)
    assert set(themes.items[0].answer_keys) == {1, 2, 9}
    assert themes.items[-1].rest and themes.items[-1].answer_keys == (8,)
    assert [theme.id for theme in themes] == [f"t{n}" for n in range(1, len(themes) + 1)]


def test_no_answers_give_no_themes():
    assert len(propose_themes([], "nl")) == 0


def test_one_answer_is_one_theme():
    themes = propose_themes([(5, "Vervoer naar het buurthuis ontbreekt")], "nl")
    assert [(theme.answer_keys, theme.rest) for theme in themes] == [((5,), False)]
    assert themes.items[0].label == "Vervoer · buurthuis"


def test_identical_answers_form_one_theme():
    themes = propose_themes([(1, "Vervoer!"), (2, "vervoer"), (3, "Vervoer.")], "nl")
    assert groups(themes) == [{1, 2, 3}]


def test_answers_of_only_stop_words_emoji_or_figures_go_to_the_rest_group():
    answers = [(1, "Ik denk het wel, ja."), (2, "🙂👍"), (3, "42%"), (4, ""), (5, "Vervoer is een probleem")]
    themes = propose_themes(answers, "nl")
    rest = [theme for theme in themes if theme.rest]
    assert len(rest) == 1 and rest[0].answer_keys == (1, 2, 3, 4) and rest[0].label == "Overig"
    assert propose_themes([("x", "🙂")], "en").items[0].label == "Other"


def test_mixed_languages_group_per_topic_and_keep_each_answers_words():
    answers = [
        (1, "Ouderen voelen zich eenzaam in de avond."),
        (2, "Eenzaamheid bij ouderen neemt toe."),
        (3, "Transport is a problem: the bus stops running in the evening."),
        (4, "Without transport, the bus, residents stay at home."),
    ]
    themes = propose_themes(answers, "nl")
    assert groups(themes) == [{1, 2}, {3, 4}]
    assert themes.theme_of(3).label == "Transport · bus"


def test_long_answers_are_grouped_and_every_answer_is_placed_once():
    eenzaam = "Veel ouderen voelen zich eenzaam en missen contact met de buurt. " * 40
    vervoer = "De belbus rijdt niet meer en zonder vervoer komen bewoners nergens. " * 40
    answers = [(1, eenzaam[:3000]), (2, eenzaam[100:3000]), (3, vervoer[:3000]), (4, vervoer[50:2900])]
    themes = propose_themes(answers, "nl")
    assert groups(themes) == [{1, 2}, {3, 4}]


def test_proposals_are_deterministic():
    assert propose_themes(HERKENNEN, "nl") == propose_themes(list(HERKENNEN), "nl")


def test_repeated_answer_keys_are_refused():
    with pytest.raises(ValueError, match="unique"):
        propose_themes([(1, "vervoer"), (1, "eenzaamheid")], "nl")


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language"):
        propose_themes([(1, "vervoer")], "fr")


def test_a_themes_value_refuses_an_answer_in_two_themes():
    from bot.analysis.themes import Theme

    with pytest.raises(ValueError, match="one theme only"):
        Themes((Theme("t1", "A", (1,)), Theme("t2", "B", (1, 2))))


texts = st.text(alphabet=st.sampled_from(list("aeioubcdklmnprstvz éë-🙂.,12")), max_size=60)


@settings(max_examples=60, deadline=None)
@given(st.lists(texts, max_size=12))
def test_every_answer_lands_in_exactly_one_theme_with_a_usable_label(answer_texts):
    themes = propose_themes(list(enumerate(answer_texts)), "nl")
    assert sorted(themes.answer_keys) == list(range(len(answer_texts)))
    for theme in themes:
        assert theme.label.strip() and len(theme.label) <= MAX_LABEL
        readable = [bool(words_of(answer_texts[key], "nl")) for key in theme.answer_keys]
        assert not any(readable) if theme.rest else all(readable)
        assert not re.search(r"\s{2}", theme.label)
