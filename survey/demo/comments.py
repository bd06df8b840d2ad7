"""Synthetic open answers for the demo, written for it (not real people).
A few contain an e-mail address, phone number or licence plate on purpose,
to show that reports print only redacted text."""

RESIDENT_COMMENTS = [
    "In onze straat wordt veel te snel gereden, vooral 's avonds. Een flitspaal zou helpen.",
    "Aan het station wordt openlijk gedeald. Ik durf daar 's avonds niet meer langs.",
    "Er wordt steeds meer afval gedumpt langs de wegel achter het sportveld.",
    "Ik zie bijna nooit een wijkagent in onze buurt. Meer zichtbare politie graag.",
    "Mijn fiets is al twee keer gestolen aan de bibliotheek.",
    "Jongeren hangen rond op het pleintje en maken lawaai tot na middernacht.",
    "Mijn moeder werd opgelicht via een vals sms-bericht van de bank. Wat kan de politie doen?",
    "De wagen 1-ABC-123 staat elke dag op het voetpad geparkeerd, bel mij gerust op 0470 12 34 56.",
    "Zebrapaden aan de school zijn gevaarlijk, ouders parkeren overal.",
    "Er was een inbraak bij mijn buren. Meer patrouilles 's nachts zouden helpen.",
    "Ik voel me veilig in mijn buurt, de politie doet goed werk.",
    "Sluikstorten is echt een probleem aan de glasbollen. Mail mij: jan.peeters@example.be",
    "Te veel vrachtwagens door de dorpskern, dat is gevaarlijk voor fietsers.",
    "Graffiti en vernielingen aan de bushalte, telkens opnieuw.",
    "Online fraude neemt toe, ook oudere mensen moeten beter geïnformeerd worden.",
    "Het zou goed zijn als de politie beter bereikbaar is buiten de kantooruren.",
    "Drugsafval en spuiten in het park, niet veilig voor kinderen.",
    "Geluidsoverlast van feestzaal elk weekend.",
]

PARTNER_POINTS = [
    "Drugshandel rond schoolpoorten",
    "Verkeersveiligheid op schoolroutes",
    "Intrafamiliaal geweld en nazorg voor slachtoffers",
    "Ondermijning via vastgoed en nachtwinkels",
    "Phishing bij ouderen",
    "Sluikstorten in landelijke gebieden",
    "Overlast rond het station",
    "Mensenhandel in de horeca en bouw",
]
