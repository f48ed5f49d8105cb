"""The roles people can have in a conversation, and which side of the table they sit on.

Why a side next to the role: preparation is homework per side (the provider brings figures
and stories, the municipality brings context such as potential reach), and summaries put
the municipality's and the provider's answers side by side. Keeping the mapping here means
the bot, the loader and the engine never disagree about it.

Besides the two parties of the outcome agreement, a transformatiedialoog brings in
professionals from other sectors and residents (or ervaringsdeskundigen). They count as side
'other': the comparison of the two parties leaves them out, and their answers come after the
parties' in summaries. Which of these roles a workspace offers is the bot's configuration;
this module is the list of roles a flow may name.
"""

from __future__ import annotations

from typing import Final, Literal

from flows.model import Text

Role = Literal[
    "sociaal_werker", "beleidsmedewerker", "coordinator", "other",
    "onderwijs", "jeugdhulp", "huisarts_ggz", "politie", "wijkteam", "bewoner", "ervaringsdeskundige",
]
Side = Literal["aanbieder", "gemeente", "other"]

# Professionals from other sectors than social work and municipal policy.
SECTOR_ROLES: Final[tuple[Role, ...]] = ("onderwijs", "jeugdhulp", "huisarts_ggz", "politie", "wijkteam")
# People who speak from their own life rather than from a profession.
RESIDENT_ROLES: Final[tuple[Role, ...]] = ("bewoner", "ervaringsdeskundige")

ROLES: Final[tuple[Role, ...]] = (
    "sociaal_werker", "beleidsmedewerker", "coordinator", "other", *SECTOR_ROLES, *RESIDENT_ROLES,
)

# Summary order: the two sides of the outcome agreement next to each other, then the other
# sectors, then residents, then whoever steers or has no named role.
ROLE_ORDER: Final[tuple[Role, ...]] = (
    "beleidsmedewerker", "sociaal_werker", *SECTOR_ROLES, *RESIDENT_ROLES, "coordinator", "other",
)

SIDES: Final[tuple[Side, ...]] = ("aanbieder", "gemeente", "other")

_SIDE_OF_ROLE: Final[dict[str, Side]] = {
    "sociaal_werker": "aanbieder",
    "beleidsmedewerker": "gemeente",
    **{role: "other" for role in ("coordinator", "other", *SECTOR_ROLES, *RESIDENT_ROLES)},
}

ROLE_LABELS: Final[dict[str, Text]] = {
    "sociaal_werker": Text("Sociaal werker", "Social worker"),
    "beleidsmedewerker": Text("Beleidsmedewerker", "Policy officer"),
    "coordinator": Text("Coördinator", "Coordinator"),
    "other": Text("Anders", "Other"),
    "onderwijs": Text("Onderwijs", "Education"),
    "jeugdhulp": Text("Jeugdhulp", "Youth care"),
    "huisarts_ggz": Text("Huisarts of GGZ", "GP or mental health care"),
    "politie": Text("Politie", "Police"),
    "wijkteam": Text("Wijkteam", "Neighbourhood team"),
    "bewoner": Text("Bewoner", "Resident"),
    "ervaringsdeskundige": Text("Ervaringsdeskundige", "Expert by experience"),
}


def is_role(value: object) -> bool:
    """True for exactly the known role names (case-sensitive: they are stored ids)."""
    return isinstance(value, str) and value in _SIDE_OF_ROLE


def side_of_role(role: str) -> Side:
    """The side a role belongs to: sociaal_werker → aanbieder, beleidsmedewerker → gemeente.

    A coordinator may work for either party, so the role alone does not tell; it counts as
    'other', like professionals from other sectors and residents.
    """
    try:
        return _SIDE_OF_ROLE[role]
    except KeyError:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}") from None


def role_label(role: str, lang: str | None = "nl") -> str:
    """The role as people read it, in Dutch or English; an unknown role id is shown as it is."""
    label = ROLE_LABELS.get(role)
    return label.get(lang) if label else role
