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

# The phenomenon each extra attention point is about (the partner tags it).
PARTNER_POINT_PHENOMENA = {
    "Drugshandel rond schoolpoorten": "drugs",
    "Verkeersveiligheid op schoolroutes": "verkeer",
    "Intrafamiliaal geweld en nazorg voor slachtoffers": "ifg",
    "Ondermijning via vastgoed en nachtwinkels": "fraude",
    "Phishing bij ouderen": "cybercrime",
    "Sluikstorten in landelijke gebieden": "milieu",
    "Overlast rond het station": "overlast",
    "Mensenhandel in de horeca en bouw": "mensenhandel",
}

# What a partner sees of a phenomenon it marks as a priority or attention
# point (the evidence pages of the partner survey).
PARTNER_EVIDENCE = {
    "drugs": "Meer meldingen van dealen aan het station en het park; drie dossiers dit jaar.",
    "verkeer": "Ouders melden gevaarlijke situaties aan de schoolpoort, vooral 's ochtends.",
    "ifg": "Het aantal begeleidingen na partnergeweld steeg; slachtoffers vinden de weg laat.",
    "geweld": "Vechtpartijen bij het uitgaan in het centrum, vooral in het weekend.",
    "fraude": "Signalen van domiciliefraude en schijnzelfstandigheid in de bouw.",
    "cybercrime": "Ouderen vallen voor valse berichten van de bank; wekelijks komen er vragen.",
    "mensenhandel": "Vermoedens van uitbuiting in de horeca en de bouw, gemeld aan de inspectie.",
    "radicalisering": "Signalen van jongeren die online radicaliseren, besproken in de LIVC.",
    "inbraak": "Diefstallen uit bestelwagens en bij bedrijven op het industrieterrein.",
    "woninginbraak": "Een golf van inbraken in de verkavelingen in de winter.",
    "milieu": "Sluikstorten langs landelijke wegen, elke maand meer zakken.",
    "overlast": "Klachten over lawaai en rondhangende groepen aan het station.",
}
PARTNER_PLACES = ["Hoogveld, stationsbuurt", "Kerkhove centrum", "Zandberge", "overal", "Ter Heide"]
