"""From text to the words themes are built on: lemmas, stop words, compound parts."""

from __future__ import annotations

import pytest

from bot.analysis.words import compound_parts, features, words_of


def lemmas(text: str, language: str = "nl") -> list[str]:
    return [word.lemma for word in words_of(text, language)]


def test_inflected_dutch_words_meet_on_one_lemma():
    assert lemmas("avonden") == lemmas("avond") == ["avond"]
    assert lemmas("buurthuizen") == lemmas("buurthuis") == ["buurthuis"]
    assert lemmas("mantelzorgers") == lemmas("mantelzorger")


def test_stop_words_figures_punctuation_and_emoji_leave_nothing():
    assert lemmas("Ik denk dat het wel goed is, ja. 42 % 🙂👍 ...") == []


def test_stop_words_are_dropped_and_the_surface_is_kept_for_labels():
    words = words_of("De ouderen in Noord voelen zich eenzaam", "nl")
    assert [word.surface for word in words] == ["ouderen", "noord", "eenzaam"]
    assert "de" not in {word.lemma for word in words}


def test_english_answer_in_a_dutch_session_is_lemmatised_in_english():
    assert lemmas("meetings buses", "nl") == ["meeting", "bus"]


def test_hyphens_split_words():
    assert lemmas("zorg-en-welzijn") == ["zorg", "welzijn"]


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language 'de'"):
        words_of("Hallo", "de")


def test_compound_counts_as_its_last_part_when_the_answers_use_that_word():
    parts = compound_parts(["buurtbewoner", "wijkbewoner", "bewoner"])
    assert parts["buurtbewoner"] == ("bewoner",)
    assert parts["wijkbewoner"] == ("bewoner",)
    assert "bewoner" not in parts


def test_compound_counts_as_its_first_part_when_the_answers_use_that_word():
    parts = compound_parts(["activiteitenaanbod", "activiteit", "mantelzorger", "mantelzorg"])
    assert parts["activiteitenaanbod"] == ("activiteit",)
    assert parts["mantelzorger"] == ("mantelzorg",)


def test_only_the_longest_part_on_each_side_counts():
    parts = compound_parts(["mantelzorgondersteuning", "ondersteuning", "steuning", "mantelzorg", "mantel"])
    assert parts["mantelzorgondersteuning"] == ("ondersteuning", "mantelzorg")


def test_too_little_left_over_is_no_compound():
    assert compound_parts(["thuis", "huis"]) == {}  # "t" is no word
    assert compound_parts(["ouder", "oudere"]) == {}  # an inflection, not a compound


def test_words_the_answers_do_not_use_are_never_made_up():
    assert compound_parts(["buurtbewoner"]) == {}


def test_features_add_compound_parts_next_to_the_lemma():
    documents = [words_of("Buurtbewoners helpen elkaar", "nl"), words_of("Bewoners zijn tevreden", "nl")]
    first, second = features(documents)
    assert "buurtbewoner" in first and "bewoner" in first
    assert "bewoner" in second


def test_preloading_the_dictionaries_refuses_an_unknown_language():
    from bot.analysis.words import preload

    preload(["nl"])
    with pytest.raises(ValueError, match="unknown language 'xx'"):
        preload(["xx"])
