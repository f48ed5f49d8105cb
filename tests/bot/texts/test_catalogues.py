"""The one text catalogue (bot/locales) has the same keys and placeholders in Dutch and English,
and no other catalogue creeps back in.

Every text people read is in bot/locales: the bot's messages, the report (section `report`), the
importer's problems (`problems`: storage gives codes, bot/texts/problems.py words them), the
charts (`chart`), series rhythms (`recurrence`), calendar invites (`calendar`). The one room that
keeps its own few words is bot/analysis, which by its own rule imports nothing of the bot
(tests/bot/analysis/test_import_ban.py); its texts are checked here too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel import Locale

from bot.analysis.agreement import TEXTS as ANALYSIS_TEXTS
from bot.i18n import catalogue, placeholders
from bot.texts.formatting import locale_of

LANGUAGES = ("nl", "en")
CLDR_CATEGORIES = {"zero", "one", "two", "few", "many", "other"}
ROOT = Path(__file__).resolve().parents[3]


def _plural_groups(texts: dict[str, str]) -> dict[str, dict[str, str]]:
    """'units.stories.one' and 'units.stories.other' → {'units.stories': {'one': ..., 'other': ...}}.

    A plural text is a map whose keys are all CLDR categories; 'roles.other' (the role "Anders")
    sits among other roles and is an ordinary text."""
    children: dict[str, dict[str, str]] = {}
    for key, text in texts.items():
        stem, _, last = key.rpartition(".")
        children.setdefault(stem, {})[last] = text
    return {stem: forms for stem, forms in children.items() if "other" in forms and forms.keys() <= CLDR_CATEGORIES}


def _plain_keys(texts: dict[str, str]) -> dict[str, str]:
    plural_stems = _plural_groups(texts)
    return {k: v for k, v in texts.items() if k.rpartition(".")[0] not in plural_stems}


CATALOGUES = {
    "bot/locales": {lang: _plain_keys(catalogue(lang)) for lang in LANGUAGES},
    "bot/analysis/agreement.py": {lang: ANALYSIS_TEXTS[lang] for lang in LANGUAGES},
}
_LANGUAGE_TABLE = re.compile(r"""^\s*["']nl["']\s*:\s*[{(]""", re.MULTILINE)


def test_there_is_one_catalogue():
    """A `{"nl": {...}, "en": {...}}` table of texts in the code is a second catalogue: put its texts
    in bot/locales (a storage module says what is wrong with a code, the bot words it)."""
    found = sorted(str(path.relative_to(ROOT)) for room in ("bot", "storage", "flows")
                   for path in (ROOT / room).rglob("*.py")
                   if _LANGUAGE_TABLE.search(path.read_text(encoding="utf-8")))
    assert found == ["bot/analysis/agreement.py"]


def test_the_moved_texts_are_in_the_catalogue():
    for lang in LANGUAGES:
        texts = catalogue(lang)
        for section in ("report", "reports", "problems", "chart", "recurrence", "calendar"):
            assert any(key.startswith(section + ".") for key in texts), (lang, section)


@pytest.mark.parametrize("name", CATALOGUES)
def test_dutch_and_english_have_the_same_keys(name):
    nl, en = (CATALOGUES[name][lang] for lang in LANGUAGES)
    assert sorted(set(nl) - set(en)) == [], f"only in Dutch ({name})"
    assert sorted(set(en) - set(nl)) == [], f"only in English ({name})"


@pytest.mark.parametrize("name", CATALOGUES)
def test_dutch_and_english_have_the_same_placeholders(name):
    nl, en = (CATALOGUES[name][lang] for lang in LANGUAGES)
    differ = {key: (placeholders(nl[key]), placeholders(en[key])) for key in set(nl) & set(en)
              if placeholders(nl[key]) != placeholders(en[key])}
    assert differ == {}


@pytest.mark.parametrize("name", CATALOGUES)
def test_no_text_is_empty(name):
    for lang in LANGUAGES:
        empty = [key for key, text in CATALOGUES[name][lang].items() if not str(text).strip()]
        assert empty == [], (name, lang)


def test_plural_texts_exist_in_both_languages_with_every_form_the_language_needs():
    groups = {lang: _plural_groups(catalogue(lang)) for lang in LANGUAGES}
    assert groups["nl"].keys() == groups["en"].keys()
    assert groups["nl"], "the catalogue has plural texts"
    for lang in LANGUAGES:
        needed = set(locale_of(lang).plural_form.tags) | {"other"}
        for key, forms in groups[lang].items():
            assert needed <= forms.keys(), (lang, key, sorted(needed - forms.keys()))


def test_plural_texts_have_the_same_placeholders_in_both_languages():
    nl, en = (_plural_groups(catalogue(lang)) for lang in LANGUAGES)
    for key in nl:
        nl_names = set().union(*(placeholders(text) for text in nl[key].values()))
        en_names = set().union(*(placeholders(text) for text in en[key].values()))
        assert nl_names == en_names, key


def test_the_two_locales_really_have_these_plural_rules():
    """If CLDR ever gave Dutch or English another category, the catalogue would need it."""
    assert Locale.parse("nl_NL").plural_form.tags == {"one"}
    assert Locale.parse("en_GB").plural_form.tags == {"one"}


_KEY_CALL = re.compile(r"""\b(?P<fn>t|plural|_t)\(\s*[\w.]+\s*,\s*["'](?P<key>[a-z_]+\.[a-z_.]+)["']""")


def test_every_catalogue_key_the_code_asks_for_exists():
    """A renamed or removed text fails here, not in front of a coordinator."""
    nl = catalogue("nl")
    groups = _plural_groups(nl)
    missing, seen = [], 0
    for path in sorted((ROOT / "bot").rglob("*.py")):
        for match in _KEY_CALL.finditer(path.read_text(encoding="utf-8")):
            key, seen = match["key"], seen + 1
            if match["fn"] == "plural":
                if key not in groups:
                    missing.append(f"{path.relative_to(ROOT)}: plural {key}")
            elif key not in nl and key not in groups:
                missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert seen > 200, "the scan found the bot's code"  # 322 in December 2026
    assert missing == []
