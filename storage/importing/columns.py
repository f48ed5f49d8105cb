"""Which header in a file means which field: Dutch and English aliases, matched loosely.

Why loose matching: offices type their own headers ("Potentieel bereik", "POTENTIEEL_BEREIK",
"potentiëel bereik ", "Doelen behaald (aantal)"). We compare a *normalised* form: accents removed,
lower case, anything that is not a letter or digit turned into one space, and a trailing
unit in brackets dropped. A header we do not know is ignored (with a warning), unless it looks
like personal data: then the whole file is refused (see `looks_personal`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Canonical field names (they match the columns of storage.models.data.OutcomeRow).
PERIOD = "period"
ACTIVITY = "activity"
GROUP_KIND = "group_kind"
GROUP_VALUE = "group_value"
REACH = "reach"
POTENTIAL_REACH = "potential_reach"
GOALS_SET = "goals_set"
GOALS_ATTAINED = "goals_attained"
RESPONDENTS = "respondents"
SATISFACTION_MEAN = "satisfaction_mean"
SATISFIED = "satisfied"
SCALE = "satisfaction_scale"
TEXT = "text"

COUNT_FIELDS: tuple[str, ...] = (REACH, POTENTIAL_REACH, GOALS_SET, GOALS_ATTAINED, RESPONDENTS, SATISFIED)
DECIMAL_FIELDS: tuple[str, ...] = (SATISFACTION_MEAN,)
NUMBER_FIELDS: tuple[str, ...] = COUNT_FIELDS + DECIMAL_FIELDS

# The Dutch header we show in messages and the template for each field.
DUTCH_HEADER: dict[str, str] = {
    PERIOD: "periode",
    ACTIVITY: "activiteit",
    GROUP_KIND: "groepsindeling",
    GROUP_VALUE: "groep",
    REACH: "bereik",
    POTENTIAL_REACH: "potentieel bereik",
    GOALS_SET: "doelen gesteld",
    GOALS_ATTAINED: "doelen behaald",
    RESPONDENTS: "respondenten",
    SATISFACTION_MEAN: "tevredenheid",
    SATISFIED: "tevreden",
    SCALE: "schaal",
    TEXT: "verhaal",
}

_ALIASES: dict[str, tuple[str, ...]] = {
    PERIOD: ("periode", "period", "tijdvak", "kwartaal", "quarter", "jaar", "year", "maand", "month"),
    ACTIVITY: (
        "activiteit", "activity", "naam activiteit", "activiteit naam", "activiteitnaam", "project",
        "programma", "programme", "program", "interventie", "intervention", "aanbod",
    ),
    GROUP_KIND: ("groepsindeling", "soort groep", "groep soort", "groepssoort", "group kind", "group type",
                 "grouping", "indeling"),
    GROUP_VALUE: ("groep", "group", "doelgroep", "target group"),
    REACH: ("bereik", "reach", "bereikt", "aantal bereikt", "deelnemers", "aantal deelnemers", "participants",
            "reached"),
    POTENTIAL_REACH: ("potentieel bereik", "potentiele bereik", "potential reach", "potentieel",
                      "doelgroepgrootte", "omvang doelgroep", "target population", "potentieel aantal"),
    GOALS_SET: ("doelen gesteld", "gestelde doelen", "aantal doelen", "doelen", "goals set", "goals"),
    GOALS_ATTAINED: ("doelen behaald", "behaalde doelen", "doelen bereikt", "bereikte doelen", "goals attained",
                     "goals achieved", "goals met"),
    RESPONDENTS: ("respondenten", "respondents", "aantal respondenten", "ingevuld", "responses",
                  "aantal ingevuld"),
    SATISFACTION_MEAN: ("tevredenheid", "gemiddelde tevredenheid", "tevredenheid gemiddeld",
                        "tevredenheidscijfer", "rapportcijfer", "cijfer", "satisfaction", "mean satisfaction",
                        "satisfaction mean", "average satisfaction"),
    SATISFIED: ("tevreden", "aantal tevreden", "satisfied", "number satisfied", "tevreden aantal"),
    SCALE: ("schaal", "scale", "tevredenheid schaal", "satisfaction scale"),
    TEXT: ("verhaal", "verhalen", "story", "stories", "tekst", "text", "toelichting", "ervaring", "quote",
           "citaat"),
}

# Dedicated group columns: the header tells the kind, the cell tells the value.
_GROUP_COLUMNS: dict[str, tuple[str, ...]] = {
    "wijk": ("wijk", "wijken", "buurt", "stadsdeel", "district", "neighbourhood", "neighborhood", "area", "gebied"),
    "leeftijdsgroep": ("leeftijdsgroep", "leeftijdscategorie", "leeftijdsklasse", "leeftijd", "age group", "age"),
    "geslacht": ("geslacht", "gender", "sex"),
}

# Cell values that mean "no group: the whole population of the activity".
TOTAL_VALUES = frozenset({"", "totaal", "total", "alle", "all", "alles", "gemeente", "overall", "geheel"})


def normalise(text: object) -> str:
    """Lower case, no accents, single spaces, no trailing '(...)' unit: the key we match on."""
    value = "" if text is None else str(text)
    value = unicodedata.normalize("NFKD", value)
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = value.casefold()
    value = re.sub(r"\([^)]*\)\s*$", " ", value)
    value = re.sub(r"[^0-9a-z]+", " ", value)
    return value.strip()


_FIELD_BY_ALIAS: dict[str, str] = {normalise(a): field for field, aliases in _ALIASES.items() for a in aliases}
_GROUP_BY_ALIAS: dict[str, str] = {normalise(a): kind for kind, aliases in _GROUP_COLUMNS.items() for a in aliases}

_PERSONAL_TOKENS = frozenset({
    "naam", "name", "voornaam", "achternaam", "firstname", "lastname", "surname", "voorletters", "tussenvoegsel",
    "bsn", "burgerservicenummer", "sofinummer", "email", "mail", "geboortedatum", "geboortedag", "birthdate",
    "dob", "adres", "address", "straat", "straatnaam", "street", "huisnummer", "telefoon", "telefoonnummer",
    "tel", "phone", "mobiel", "mobile", "gsm", "iban", "rekeningnummer", "clientnummer", "clientnr",
    "patientnummer", "dossiernummer", "postcode6",
})
_PERSONAL_FRAGMENTS = ("geboorte", "birth", "email", "telefoon", "phone", "burgerservice", "adres", "address",
                       "achternaam", "voornaam")


@dataclass(frozen=True)
class ColumnMatch:
    """What one header in the file means."""

    header: str  # as written in the file
    position: int
    field: str | None  # canonical field, or GROUP_VALUE for a dedicated group column, None if unknown
    group_kind: str | None = None  # 'wijk' etc. for a dedicated group column


def match_header(header: object, position: int) -> ColumnMatch:
    """Map one header to a field; unknown headers get field None."""
    raw = "" if header is None else str(header).strip()
    key = normalise(raw)
    if key in _FIELD_BY_ALIAS:
        return ColumnMatch(raw, position, _FIELD_BY_ALIAS[key])
    if key in _GROUP_BY_ALIAS:
        return ColumnMatch(raw, position, GROUP_VALUE, _GROUP_BY_ALIAS[key])
    return ColumnMatch(raw, position, None)


def looks_personal(header: object) -> bool:
    """True when a header names personal data (naam, e-mail, bsn, geboortedatum, adres, telefoon...).

    Why only for headers we do not recognise: 'naam activiteit' is the activity, not a person.
    """
    key = normalise(header)
    if not key or key in _FIELD_BY_ALIAS or key in _GROUP_BY_ALIAS:
        return False
    tokens = set(key.split())
    compact = key.replace(" ", "")
    if tokens & _PERSONAL_TOKENS or compact in _PERSONAL_TOKENS:
        return True
    return any(fragment in compact for fragment in _PERSONAL_FRAGMENTS)


def known_field_count(headers: list[object]) -> int:
    """How many headers we recognise (used to find the header row below a title)."""
    return sum(1 for i, h in enumerate(headers) if match_header(h, i).field is not None)


def group_kind_from_text(text: object) -> str:
    """Normalise a free 'groepsindeling' cell to 'wijk', 'leeftijdsgroep', 'geslacht' or itself."""
    key = normalise(text)
    return _GROUP_BY_ALIAS.get(key, key)[:32]
