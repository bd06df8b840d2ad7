"""Keyword tagging of comments to KIV phenomena, lexicon merging and quote choice."""

from __future__ import annotations

import re

import pytest

from survey.analysis.tagging import (
    DEFAULT_LEXICON,
    PHENOMENA,
    keyword_hits,
    merge_lexicon,
    normalise,
    representative_quotes,
    tag,
)
from survey.privacy.redaction import EMAIL, PHONE


def test_lexicon_covers_the_ten_kiv_clusters() -> None:
    assert set(DEFAULT_LEXICON) == set(PHENOMENA)
    assert len(PHENOMENA) == 10
    for patterns in DEFAULT_LEXICON.values():
        assert patterns
        for pattern in patterns:
            re.compile(pattern)
            assert pattern == normalise(pattern), "patterns must be written normalised"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Er wordt openlijk gedeald aan de school", {"drugs"}),
        ("Veel cannabis en coke in het park, dealers op de hoek", {"drugs"}),
        ("Cocaïne en HEROÏNE", {"drugs"}),
        ("Veel te snel rijden in de Dorpsstraat, geen zebrapad", {"verkeer"}),
        ("Overal fout geparkeerd op het fietspad", {"verkeer"}),
        ("Sluikstorten en hondenpoep overal", {"milieu"}),
        ("Zwerfvuil en afval langs de weg", {"milieu"}),
        ("Lawaai van de buren tot 3u en vandalisme", {"overlast"}),
        ("Drugsoverlast door hangjongeren", {"drugs", "overlast"}),
        ("Er is ingebroken bij de buren", {"inbraak"}),
        ("Woninginbraken nemen toe", {"inbraak"}),
        ("Intrafamiliaal geweld wordt niet gemeld", {"geweld"}),
        ("Mijn partner slaat me", {"geweld"}),
        # KIV clusters: a scam that names its channel is cybercrime, not
        # social and fiscal fraud (undeclared work, benefit and tax fraud).
        ("Ik ben opgelicht via een valse sms", {"cybercrime"}),
        ("Mijn moeder werd opgelicht via een vals sms-bericht van de bank.", {"cybercrime"}),
        ("Online fraude neemt toe, ook bij oudere mensen.", {"cybercrime"}),
        ("Een nepwebshop heeft mijn geld", {"cybercrime"}),
        ("Phishing bij ouderen", {"cybercrime"}),
        ("Zwartwerk in de horeca en sociale fraude", {"fraude"}),
        ("Uitkeringsfraude en belastingontduiking", {"fraude"}),
        ("Witwassen via nachtwinkels", {"fraude"}),
        ("Opgelicht door een valse loodgieter aan de deur", {"inbraak"}),
        ("De politie is online slecht bereikbaar", set()),
        ("Phishing en hackers", {"cybercrime"}),
        ("Identiteitsdiefstal is een probleem", {"cybercrime"}),
        ("Radicalisering van jongeren en extreemrechts", {"radicalisering"}),
        ("Uitbuiting in de car wash, mensenhandel", {"mensenhandel"}),
        ("Ik voel me veilig in mijn buurt.", set()),
        ("", set()),
    ],
)
def test_tag_examples(text: str, expected: set[str]) -> None:
    assert tag(text) == expected


def test_word_start_boundary() -> None:
    assert "inbraak" not in tag("Een inbreuk op de privacy")
    assert "overlast" not in tag("Twee kwartieren")  # 'tieren' must start a word
    assert "verkeer" in tag("Een bromfietser")  # but the \w*fiets pattern opts into compounds
    assert "drugs" in tag("harddrugs en softdrugs")  # \w* patterns match inside compounds
    assert "overlast" in tag("Ze tieren de hele nacht")


def test_case_and_accents() -> None:
    assert normalise("Cocaïne ÉÉN Hondenpoep") == "cocaine een hondenpoep"
    assert tag("SLUIKSTORT") == {"milieu"}


def test_keyword_hits_counts_occurrences() -> None:
    text = "Drugs, drugs en nog eens drugsdealers. Ook wiet."
    assert keyword_hits(text, "drugs") == 4
    assert keyword_hits(text, "verkeer") == 0
    assert keyword_hits(text, "onbekend") == 0
    assert keyword_hits("", "drugs") == 0


def test_merge_lexicon_escapes_plain_words() -> None:
    extra = {
        "drugs": ["Crack", "c++"],
        "verkeer": ["sluipverkeer", "N9 kruispunt"],
        "haven": ["Haven.be"],
    }
    lexicon = merge_lexicon(DEFAULT_LEXICON, extra)
    assert DEFAULT_LEXICON["drugs"] == lexicon["drugs"][: len(DEFAULT_LEXICON["drugs"])]
    assert "crack" in lexicon["drugs"]
    assert r"c\+\+" in lexicon["drugs"]
    assert tag("Crack in het station", lexicon) == {"drugs"}
    assert "haven" in tag("zie haven.be", lexicon)
    assert "haven" not in tag("zie havenXbe", lexicon)  # '.' is literal, not a wildcard
    assert "verkeer" in tag("Het n9   kruispunt", lexicon)
    assert "haven" not in tag("Crack in het station")  # the default is not changed
    assert (
        merge_lexicon(DEFAULT_LEXICON, {"drugs": ["", "crack", "Crack"]})["drugs"].count("crack")
        == 1
    )


def test_extra_keywords_are_stems_too() -> None:
    lexicon = merge_lexicon({}, {"drugs": ["crack"]})
    assert tag("crackpand", lexicon) == {"drugs"}
    assert tag("de bar is kapot", lexicon) == set()


def test_representative_quotes_order_and_redaction() -> None:
    comments = [
        (5, "Drugs."),  # too short
        (3, "Er wordt elke avond gedeald aan het station, bel mij op 0470 12 34 56 voor meer."),
        (1, "In het park liggen naalden en er wordt drugs verkocht, ook wiet en coke, echt erg."),
        (2, "Aan de school worden drugs verkocht en de buurt vindt dat niet normaal meer."),
        (4, "Mijn auto werd beschadigd en niemand doet iets, dit is niet meer normaal hier."),
        (7, "aan de school worden DRUGS verkocht en de buurt vindt dat niet normaal meer."),
        (6, "x " * 200 + "drugs drugs drugs drugs"),  # too long, many hits
    ]
    quotes = representative_quotes(comments, "drugs", k=3)
    ids = [comment_id for comment_id, _ in quotes]
    assert ids == [1, 2, 3]  # 1 has 4 hits; 2 and 3 one each, lowest id first; 7 repeats 2
    assert PHONE in quotes[2][1] and "0470" not in quotes[2][1]
    more = representative_quotes(comments, "drugs", k=10)
    assert [i for i, _ in more] == [1, 2, 3, 6, 5]  # out-of-band lengths last, by hits


def test_representative_quotes_edge_cases() -> None:
    assert representative_quotes([], "drugs") == []
    assert (
        representative_quotes(
            [(1, "Alles rustig hier, niets aan de hand in onze straat.")], "drugs"
        )
        == []
    )
    quotes = representative_quotes(
        [("b", "Sluikstort aan de glasbak, meld het aan jan@example.com aub, echt vies.")], "milieu"
    )
    assert quotes == [("b", f"Sluikstort aan de glasbak, meld het aan {EMAIL} aub, echt vies.")]
