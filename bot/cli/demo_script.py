"""What the simulated people in the demo say: short, realistic answers in Dutch and English.

Why a separate module: the demo's choreography (bot/cli/demo.py) stays readable, and the words
can be improved without touching the mechanics. All texts are written for this project.
"""

from __future__ import annotations

PEOPLE = {
    "UCARLA": ("Carla", "coordinator"),
    "USAM": ("Sam", "sociaal_werker"),
    "USANNE": ("Sanne", "sociaal_werker"),
    "UBAS": ("Bas", "beleidsmedewerker"),
    "UBENTE": ("Bente", "beleidsmedewerker"),
}
COORDINATOR = "UCARLA"
SOCIAL = ("USAM", "USANNE")
POLICY = ("UBAS", "UBENTE")
LATE = "UBENTE"  # prepares only after a reminder

OUTCOME = {"nl": "Minder eenzame ouderen in Ooststellingwerf", "en": "Fewer lonely older people in Ooststellingwerf"}

PREP = {
    "USAM": ("We nemen de cijfers over de huiskamers en het maatjesproject mee, en het verhaal van mevrouw De Vries. "
             "In het teamoverleg herkenden we het beeld: Oosterwolde loopt goed, Haule blijft achter.",
             "We bring the figures on the living rooms and the buddy project, and Mrs De Vries's story. "
             "Our team recognised the picture: Oosterwolde does well, Haule lags behind."),
    "USANNE": ("Ik breng de verhalen van de maatjes mee. In het team vroegen we ons af waarom mannen zo weinig komen.",
               "I bring the buddies' stories. The team wondered why so few men come."),
    "UBAS": ("Er wonen ruim 6.200 mensen van 65 jaar en ouder in Ooststellingwerf (CBS). Tegen dat getal is het bereik "
             "nog bescheiden. Ik hoop dat we eerlijk kunnen zeggen wat niet werkt.",
             "More than 6,200 people aged 65+ live in Ooststellingwerf (CBS). Against that number the reach is still "
             "modest. I hope we can say honestly what does not work."),
    "UBENTE": ("Ik neem de cijfers over eenzaamheid per dorp van de GGD mee als context.",
               "I bring the public health figures on loneliness per village as context."),
    "UCARLA": ("Ik zorg dat we eerst een gedeeld beeld maken voordat we over verbeteren praten.",
               "I will make sure we build a shared picture before we talk about improving."),
}

STAGES = {
    "opening": {
        "USAM": ("Opvallend dat het bereik in Oosterwolde bijna twee keer zo hoog is als in Haule.",
                 "Striking that reach in Oosterwolde is almost twice that in Haule."),
        "USANNE": ("Het maatjesproject is klein, maar bewoners halen daar vaker hun eigen doelen.",
                   "The buddy project is small, but residents there reach their own goals more often."),
        "UBAS": ("Ik zie vooral dat we maar een klein deel van de 65-plussers bereiken.",
                 "Mostly I see that we reach only a small share of people aged 65+."),
        "UBENTE": ("De tevredenheid is hoog; de vraag is of we de juiste mensen bereiken.",
                   "Satisfaction is high; the question is whether we reach the right people."),
    },
    "herkennen": {
        "USAM": ("Ja. In Oosterwolde komen bewoners door de huiskamer weer vaker buiten de deur, dat zien we elke week.",
                 "Yes. In Oosterwolde residents leave their homes more often thanks to the living room; we see it weekly."),
        "USANNE": ("Herkenbaar: wie eenmaal een maatje heeft, durft daarna zelf weer contact te zoeken.",
                   "Recognisable: once people have a buddy, they dare to seek contact themselves again."),
        "UBAS": ("Ik herken het lage bereik in Haule uit de Wmo-meldingen: daar komen eenzame ouderen pas laat in beeld.",
                 "I recognise the low reach in Haule from social-support referrals: lonely elderly show up late there."),
        "UBENTE": ("Deels. De cijfers zeggen weinig over de bewoners die thuis blijven en niemand zien.",
                   "Partly. The figures say little about residents who stay at home and see nobody."),
    },
    "begrijpen": {
        "USAM": ("In Haule is geen vaste plek meer sinds het dorpshuis dichtging; bewoners moeten nu met de bus.",
                 "Haule lost its fixed place when the village hall closed; residents now need the bus."),
        "USANNE": ("Mannen komen minder omdat de activiteiten vooral op praten gericht zijn; ze zoeken iets om te doen.",
                   "Men come less because the activities are mostly about talking; they look for something to do."),
        "UBAS": ("We verwachtten groei door de vergrijzing, maar de doelgroep verandert: meer alleenstaande 80-plussers.",
                 "We expected growth with ageing, but the group changes: more single people over 80."),
        "UBENTE": ("De verschillen tussen dorpen hebben ook met vervoer en mantelzorg te maken.",
                   "Differences between villages also have to do with transport and informal care."),
    },
    "waarderen": {
        "USAM": ("Trots dat bewoners zelf taken oppakken in de huiskamer. Niet tevreden over Haule.",
                 "Proud that residents take on tasks in the living room themselves. Not satisfied about Haule."),
        "USANNE": ("Het maatjesproject levert inwoners echt iets op: ze voelen zich minder alleen.",
                   "The buddy project really brings residents something: they feel less alone."),
        "UBAS": ("Goed werk voor wie komt; het bereik onder de meest eenzame ouderen is nog niet genoeg.",
                 "Good work for those who come; reach among the loneliest older people is not yet enough."),
        "UBENTE": ("Ik waardeer de eerlijkheid over wat niet lukt. Dat maakt het gesprek waardevol.",
                   "I value the honesty about what does not work. That makes the conversation worthwhile."),
    },
    "verbeteren": {
        "USAM": ("Hetzelfde beter doen in Oosterwolde, en in Haule iets anders: huisbezoeken in plaats van een huiskamer.",
                 "Do the same better in Oosterwolde, and something else in Haule: home visits instead of a living room."),
        "USANNE": ("Een klus- en wandelgroep voor mannen proberen, samen met de dorpsvereniging.",
                   "Try a walking and odd-jobs group for men, together with the village association."),
        "UBAS": ("De gemeente kijkt naar vervoer op maat naar de huiskamer en deelt signalen uit de Wmo eerder.",
                 "The municipality looks at on-demand transport to the living room and shares referrals earlier."),
        "UBENTE": ("Samen met de huisartsen afspreken hoe zij eenzame ouderen naar ons verwijzen.",
                   "Agree with the GPs how they refer lonely older people to us."),
    },
    "afsluiting": {
        "UCARLA": ("We bereiken in Oosterwolde wat we wilden, in Haule niet. Daar gaan we het anders doen: "
                   "huisbezoeken en vervoer. Over drie maanden kijken we of het bereik onder 80-plussers groeit.",
                   "We reach what we wanted in Oosterwolde, not in Haule. There we will do it differently: home visits "
                   "and transport. In three months we check whether reach among people over 80 grows."),
    },
    "evaluatie": {
        "USAM": ("Fijn dat we eerst samen keken voordat we oplossingen bedachten.",
                 "Good that we looked together before thinking of solutions."),
        "USANNE": ("De verhalen naast de cijfers maakten het concreet.", "The stories next to the figures made it concrete."),
        "UBAS": ("Volgende keer de huisartsen uitnodigen.", "Next time invite the GPs."),
        "UBENTE": ("Korter bij herkennen, langer bij verbeteren.", "Shorter on recognising, longer on improving."),
    },
}

ACTIONS = [
    # (by, what nl, what en, party, owner, due)
    ("USAM", "Huisbezoeken bij alleenwonende 80-plussers in Haule", "Home visits to people over 80 living alone in Haule",
     "aanbieder", "USAM", "2027-05-01"),
    ("UBAS", "Vervoer op maat naar de huiskamer regelen", "Arrange on-demand transport to the living room",
     "gemeente", "UBAS", "2027-04-15"),
]


def answer_text(stage_id: str, user: str, lang: str, index: int) -> str:
    """The person's answer for the first open question of a stage; later ones get a short follow-up."""
    pair = STAGES.get(stage_id, {}).get(user)
    if pair is None:
        return ("Geen aanvulling." if lang == "nl" else "Nothing to add.")
    text = pair[1] if lang == "en" else pair[0]
    if index == 0:
        return text
    return "Zie mijn eerdere antwoord." if lang == "nl" else "See my earlier answer."
