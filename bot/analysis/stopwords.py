"""Words that say nothing about what an answer is about, in Dutch and English.

Why our own short lists and not scikit-learn's English list: that list is known to hold content
words ("fire", "system", "interest", "bill") and has no Dutch counterpart; ours are small, cover
both languages alike, and add the filler verbs of spoken answers ("ik denk dat", "we zien dat",
"I think we see") that would otherwise become theme labels.

Both lists apply to every answer, whatever the session's language: people mix languages, and a
Dutch stop word that is also an English content word ("door", "die", "been") is rare enough in
these answers to lose.

Words are listed as typed *and* as simplemma's lemmas of them (e.g. "had" and "hebben"), because
the filter runs on the typed word and again on its lemma.
"""

from __future__ import annotations

from typing import Final

_DUTCH_WORDS: Final = """
aan aangezien achter af al alle alleen allemaal alles als alsof altijd ander andere anders
ben bent best beter betreft bij bijna bijvoorbeeld binnen boven buiten daar daarbij daardoor
daarin daarna daarom daarvan dan dat de deden deed deze die dit doe doen doet door dus echt
een eens eigen eigenlijk en enige enkele er erg ervan even gaan gaat gedaan geen gehad geweest
gewoon geworden gezegd gezien graag had hadden hare heb hebben hebt heeft hem hen het hier hij
hoe hoewel hun iemand iets ik in is ja je jij jou jouw jullie kan komen komt konden kon kun
kunnen kunt laat laten maak maakt maar maken me meer meest meeste mee men met mij mijn minder
misschien moest moesten moet moeten mogen na naar natuurlijk net niet niets nog nooit nou nu
of ok oké om omdat onder ons onze ook op over overig overige precies steeds paar per rond samen
sommige soms staan staat te tegen terug toch toe tot tussen uit uw vaak van vanuit veel via volgens
vind vinden vindt voor vooral waar waarbij waardoor waarin waarom wanneer want was waren wat
we weer weinig wel welk welke werd werden wie wij wil willen wordt worden wou zal ze zeg zeggen
zegt zeker zelf zich zie zien ziet zij zijn zo zoals zodat zonder zou zouden zowel zullen
denk denken dacht vond gebeurt gebeuren heel hele helemaal echter ongeveer waarschijnlijk
sinds tijdens
nieuw nieuwe groot grote klein kleine goed goede belangrijk duidelijk mogelijk verschillend
voel voelt voelen verschil verschilt verschillen herken herkent herkennen raak raakt raken blijf blijft blijven
"""

_ENGLISH_WORDS: Final = """
a about above after again against all also although always am an and another any are around
as at be because been before being below between both but by can cannot could did do does
doing done down during each even ever every few for from further get gets getting go goes
going got had has have having he her here hers him his how however i if in into is it its
itself just know let like lot lots make makes many may me might more most much must my no
nor not now of off often on once only or other others our ours out over own perhaps quite
rather really same say see seem seems she should so some still such than that the their
theirs them then there these they thing things think this those though through thus to too
under until up us very was way we well were what when where whether which while who whom
whose why will with within without would yes yet you your yours
among especially feel feels felt show shows keep keeps ask asks long longer
"""

DUTCH: Final[frozenset[str]] = frozenset(_DUTCH_WORDS.split())
ENGLISH: Final[frozenset[str]] = frozenset(_ENGLISH_WORDS.split())
ALL: Final[frozenset[str]] = DUTCH | ENGLISH


def is_stop_word(word: str) -> bool:
    """True for a lower-case word that carries no topic in either language."""
    return word in ALL
