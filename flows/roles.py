"""The four roles people can have in a conversation, and which side of the table they sit on.

Why a side next to the role: preparation is homework per side (the provider brings figures
and stories, the municipality brings context such as potential reach), and summaries put
the municipality's and the provider's answers side by side. Keeping the mapping here means
the bot, the loader and the engine never disagree about it.
"""

from __future__ import annotations

from typing import Final, Literal

Role = Literal["sociaal_werker", "beleidsmedewerker", "coordinator", "other"]
Side = Literal["aanbieder", "gemeente", "other"]

ROLES: Final[tuple[Role, ...]] = ("sociaal_werker", "beleidsmedewerker", "coordinator", "other")

# Summary order: the two sides of the outcome agreement next to each other, then the rest.
ROLE_ORDER: Final[tuple[Role, ...]] = ("beleidsmedewerker", "sociaal_werker", "coordinator", "other")

SIDES: Final[tuple[Side, ...]] = ("aanbieder", "gemeente", "other")

_SIDE_OF_ROLE: Final[dict[str, Side]] = {
    "sociaal_werker": "aanbieder",
    "beleidsmedewerker": "gemeente",
    "coordinator": "other",
    "other": "other",
}


def is_role(value: object) -> bool:
    """True for exactly the four known role names (case-sensitive: they are stored ids)."""
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
