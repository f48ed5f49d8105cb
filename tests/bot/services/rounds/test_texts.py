"""The round texts exist in Dutch and English with the same keys and the same placeholders."""

from __future__ import annotations

from bot.i18n import catalogue, placeholders


def test_round_texts_match_in_both_languages():
    dutch = {k: v for k, v in catalogue("nl").items() if k.startswith("rounds.")}
    english = {k: v for k, v in catalogue("en").items() if k.startswith("rounds.")}
    assert dutch.keys() == english.keys() and len(dutch) > 100
    assert {k: placeholders(v) for k, v in dutch.items()} == {k: placeholders(v) for k, v in english.items()}
