"""Generated Dutch answers about outcomes for residents, the same for every run (fixed seed).

Why generated: real answers are personal data and the seeds are not ours to copy. These are
built from word lists about the topics a stage of a duidingsgesprek brings up (eenzaamheid,
vervoer, mantelzorg, buurthuis, jongeren, ...), with inflections and compounds as people write
them, so the lemmatiser and the compound matching do real work. Each answer has one main topic,
sometimes a second one, and general sentences about figures and the wijk.
"""

from __future__ import annotations

import random

WIJKEN = ("Noord", "Zuid", "de Vaart", "Oosterpark", "het Centrum", "Molenwijk", "de Hoven", "Kerkbuurt")
GROEPEN = ("ouderen", "jongeren", "gezinnen", "nieuwkomers", "alleenstaanden", "mantelzorgers", "buurtbewoners")
MOMENTEN = ("in de avond", "in het weekend", "in de zomer", "na de vakantie", "sinds de coronaperiode",
            "in het laatste kwartaal", "het hele jaar door")

TOPICS: dict[str, tuple[str, ...]] = {
    "eenzaamheid": (
        "Veel {groep} in {wijk} voelen zich eenzaam, vooral {moment}.",
        "De eenzaamheid onder oudere bewoners is groter dan de cijfers laten zien.",
        "Een vaste huisbezoeker maakt voor eenzame ouderen echt verschil.",
        "Bewoners vertellen dat ze na de ontmoetingen minder alleen thuis zitten.",
        "Sommige ouderen hebben {moment} met niemand gesproken, zeggen de vrijwilligers.",
        "Het netwerk van alleenstaande ouderen is klein geworden en eenzaamheid sluipt erin.",
        "Door de telefooncirkel voelen deelnemers zich gezien en minder eenzaam.",
    ),
    "vervoer": (
        "Zonder vervoer komen {groep} uit {wijk} niet bij de activiteiten.",
        "De belbus rijdt {moment} niet meer, dus bewoners blijven thuis.",
        "Het openbaar vervoer naar het buurthuis is voor ouderen met een rollator lastig.",
        "De regiotaxi is te duur voor mensen met een kleine beurs.",
        "Vrijwillige chauffeurs brengen bewoners naar de huisarts en naar de markt.",
        "Vervoersproblemen zijn de belangrijkste reden dat deelnemers afhaken.",
        "Een eigen buurtbus zou het bereik in {wijk} flink vergroten.",
    ),
    "mantelzorg": (
        "Mantelzorgers in {wijk} zijn overbelast en vragen om respijtzorg.",
        "De mantelzorg voor een partner met dementie valt veel {groep} zwaar.",
        "Jonge mantelzorgers zien we pas laat, vaak via school.",
        "Mantelzorgondersteuning bereikt vooral mantelzorgers die zelf al de weg weten.",
        "Een mantelzorgcafé {moment} geeft lucht en herkenning.",
        "Mantelzorgers vertellen dat ze door de lotgenotengroep beter volhouden.",
        "De zorg voor ouders combineren met werk lukt veel mantelzorgers niet.",
    ),
    "buurthuis": (
        "Het buurthuis in {wijk} is {moment} te weinig open.",
        "Bewoners waarderen de koffieochtend in het buurthuis en komen er graag.",
        "De openingstijden van buurthuizen passen niet bij werkende bewoners.",
        "In het buurthuis ontstaan nieuwe contacten tussen buurtbewoners.",
        "Het activiteitenaanbod in het buurthuis is vooral gericht op ouderen.",
        "Een buurthuis met een open inloop trekt bewoners die anders nergens komen.",
        "De buurtkamer is klein, maar bewoners voelen zich er thuis.",
    ),
    "jongeren": (
        "Jongeren in {wijk} hangen {moment} op straat en vervelen zich.",
        "Het jongerenwerk bereikt de jongeren die het meest nodig hebben te weinig.",
        "Jongerenwerkers zien meer jongeren met somberheid en stress.",
        "Een eigen plek voor jongeren ontbreekt in de wijk.",
        "Jongeren die meedoen aan het talentenprogramma maken vaker hun school af.",
        "Schoolverzuim daalt waar jongerenwerk en school samen optrekken.",
        "Jongeren willen zelf activiteiten organiseren als ze ruimte krijgen.",
    ),
    "schulden": (
        "Steeds meer {groep} in {wijk} hebben geldzorgen en schulden.",
        "Schuldhulpverlening komt vaak te laat, als de schulden al hoog zijn.",
        "Bewoners schamen zich voor hun financiële problemen en zoeken geen hulp.",
        "De thuisadministratie met vrijwilligers helpt gezinnen hun rekeningen te betalen.",
        "Met vroegsignalering van betalingsachterstanden voorkomen we huisuitzettingen.",
        "Geldzorgen hangen samen met stress, slechte gezondheid en eenzaamheid.",
    ),
    "bewegen": (
        "Ouderen die meedoen aan het beweegprogramma vallen minder vaak.",
        "Beweegactiviteiten in het park trekken {moment} veel bewoners uit {wijk}.",
        "De wandelgroep zorgt voor een betere conditie en nieuwe vriendschappen.",
        "Overgewicht bij kinderen in {wijk} neemt toe, ondanks het sportaanbod.",
        "Bewoners voelen zich fitter en gezonder na een jaar bewegen.",
        "De buurtsportcoach bereikt vooral kinderen die al sporten.",
    ),
    "taal": (
        "Nieuwkomers in {wijk} leren Nederlands in het taalcafé.",
        "Laaggeletterdheid blijft verborgen; bewoners lezen brieven van de gemeente niet.",
        "Taalmaatjes helpen nieuwkomers met de taal en met de weg in de wijk.",
        "Door het taalcafé durven deelnemers vaker zelf naar de huisarts te bellen.",
        "Ouders met een taalachterstand missen informatie van school.",
        "Het taalaanbod sluit niet aan bij werkende nieuwkomers, zij kunnen {moment} niet.",
    ),
}

GENERAL = (
    "De cijfers over het bereik zeggen weinig zonder de verhalen erbij.",
    "In {wijk} bereiken we {groep} beter dan vorig jaar.",
    "Het potentieel bereik is groot, dus er is nog veel te winnen.",
    "Bewoners geven het sociaal werk gemiddeld een ruime voldoende.",
    "We herkennen het beeld uit de praktijk van alledag.",
    "De gemeente en het sociaal werk kijken verschillend naar deze uitkomsten.",
    "Het doelbereik verschilt per wijk en per leeftijdsgroep.",
    "Wat heeft het bewoners opgeleverd? Daar moeten we het over hebben.",
)


def _sentence(template: str, rng: random.Random) -> str:
    return template.format(wijk=rng.choice(WIJKEN), groep=rng.choice(GROEPEN), moment=rng.choice(MOMENTEN))


def answer(rng: random.Random, length: int, names: list[str]) -> tuple[str, str]:
    """One answer of at most `length` characters (at least one sentence) and its main topic."""
    main = rng.choice(names)
    second = rng.choice(names) if rng.random() < 0.3 else main
    sentences: list[str] = []
    size = 0
    while True:
        pick = rng.random()
        pool = TOPICS[main] if pick < 0.7 else TOPICS[second] if pick < 0.85 else GENERAL
        sentence = _sentence(rng.choice(pool), rng)
        if sentences and size + len(sentence) + 1 > length:
            break
        sentences.append(sentence)
        size += len(sentence) + 1
    return " ".join(sentences)[:length], main


def answers(count: int, *, shortest: int = 2_500, longest: int = 3_000, seed: int = 13,
            topics: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """`count` (text, main topic) pairs, each text between about `shortest` and `longest` characters.

    `topics` limits the answers to some of TOPICS (all of them when empty).
    """
    rng = random.Random(seed)
    names = sorted(topics or TOPICS)
    return [answer(rng, rng.randint(shortest, longest), names) for _ in range(count)]
