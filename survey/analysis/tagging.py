r"""Tagging free-text comments to the KIV phenomena with a Dutch keyword lexicon.

The lexicon follows the KIV 2022-2024 clusters: "sociale en fiscale
fraude" is undeclared work, benefit and tax fraud and money laundering,
never scams on residents; a scam that names its channel (online, a text
message, e-mail, a web shop, phishing) is cybercrime. A planner can
correct the tags of a comment (``survey.analysis.themes``): the report
then counts the corrected tags.

Matching rules:

- Text is compared case-insensitively and accent-insensitively: both the comment
  and planner keywords are lowered and stripped of diacritics (``cocaïne`` matches
  ``cocaine``, ``Hondenpoep`` matches ``hondenpoep``). Lexicon patterns are written
  in that normalised form.
- Every pattern is a **stem** anchored at the start of a word: ``vecht`` matches
  ``vechten`` and ``vechtpartij``, ``tieren`` does not match ``kwartieren``. A pattern that
  starts with ``\w*`` may also match inside a compound (``\w*inbra`` finds
  ``woninginbraak``); a pattern ending in ``\b`` must end the word.
- Patterns in :data:`DEFAULT_LEXICON` are regular expressions. Keywords that
  planners add through :func:`merge_lexicon` are plain words, escaped, and used as
  stems the same way; a space in them matches any run of white space.
- A comment may get several phenomena (``drugsoverlast`` is drugs and overlast).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Hashable, Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from survey.analysis.ordering import code_order
from survey.privacy.redaction import redact

Lexicon = Mapping[str, Sequence[str]]
Id = TypeVar("Id", bound=Hashable)

PHENOMENA: tuple[str, ...] = (
    "radicalisering",
    "mensenhandel",
    "drugs",
    "fraude",
    "cybercrime",
    "geweld",
    "inbraak",
    "milieu",
    "verkeer",
    "overlast",
)
"""The ten KIV 2022-2024 clusters, as phenomenon keys."""

DEFAULT_LEXICON: dict[str, tuple[str, ...]] = {
    "radicalisering": (
        r"radicali",
        r"\w*extremis",
        r"extreemrechts",
        r"extreem[- ]?rechts",
        r"extreem[- ]?links",
        r"\w*terroris",
        r"\w*terreur",
        r"aanslag",
        r"jihad",
        r"syriestrijder",
        r"polaris",
        r"haatpredik",
        r"ronsel",
    ),
    "mensenhandel": (
        r"mensenhandel",
        r"mensensmokkel",
        r"\w*uitbuit",
        r"gedwongen prostitutie",
        r"prostitu",
        r"loverboy",
        r"transmigrant",
        r"smokkelaar",
        r"schijnhuwelijk",
        r"slavernij",
        r"huisjesmelker",
    ),
    "drugs": (
        r"\w*drug",
        r"deal(?:en|er|ers|t|de|den)\b",
        r"gedeald",
        r"cannabis",
        r"wiet",
        r"coke\b",
        r"cocaine",
        r"heroine",
        r"xtc\b",
        r"joint",
        r"blow(?:en|t|ers?)\b",
        r"hasj",
        r"lachgas",
        r"naalden",
        r"\w*plantage",
        r"verslaaf",
        r"verslav",
    ),
    # KIV cluster "sociale en fiscale fraude": undeclared work, benefit and
    # tax fraud, money laundering. Scams on residents are not this cluster:
    # online scams are cybercrime, tricks at the door property crime.
    "fraude": (
        r"\w*zwartwerk",
        r"zwart (?:werk|werken|gewerkt|geld)",
        r"sociale? fraud",
        r"fiscale? fraud",
        r"\w*uitkeringsfraud",
        r"\w*belastingfraud",
        r"btw[- ]?fraud",
        r"\w*domiciliefraud",
        r"schijnzelfstandig",
        r"schijndomicilie",
        r"sociale dumping",
        r"\w*witwas",
        r"\w*ontduik",
        r"valse factu",
        r"postbusbedrij",
        r"carrouselfraud",
    ),
    # KIV cluster "cybercriminaliteit": hacking, malware and every scam that
    # reaches people online or by phone message (phishing, smishing, fake
    # web shops, "vriend in nood"): a scam goes here when the comment names
    # the channel.
    "cybercrime": (
        r"\w*cyber",
        r"hack",
        r"gehackt",
        r"\w*phish",
        r"phising",
        r"\w*smishing",
        r"\w*ransomware",
        r"\w*malware",
        r"sextortion",
        r"identiteitsdiefstal",
        r"\w*internet",
        r"online (?:oplicht|opgelicht|fraud|bedrog|scam|pest|bedreig|aankoop|gekocht)",
        r"onlinefraud",
        r"vals(?:e)? (?:sms|e-?mail|mail|bericht|website|webshop|link)",
        r"nep(?:webshop|website|sms|mail|bericht|link)",
        r"\w*webshop",
        r"\w*helpdeskfraud",
        r"vriend in nood",
        r"\w*datingfraud",
        r"\w*scam",
        r"(?:oplicht|opgelicht)(?s:.*?)(?<!\w)(?:sms|e-?mail|mail|whatsapp|facebook|marketplace|"
        r"sociale media|website|app|bericht|link|bankgegevens|pincode|itsme|kaartlezer)",
        r"(?:sms|e-?mail|whatsapp|facebook|marketplace|sociale media|website|link)(?s:.*?)"
        r"(?<!\w)(?:oplicht|opgelicht)",
        r"whatsapp",
        r"datalek",
        r"wachtwoord",
        r"sexting",
    ),
    "geweld": (
        r"\w*geweld",
        r"agressi",
        r"vecht",
        r"gevochten",
        r"\w*mishandel",
        r"bedreig",
        r"\w*steekpartij",
        r"neergesto",
        r"verkracht",
        r"aanrand",
        r"\w*intimidatie",
        r"geslagen",
        r"sla(?:an|at)\b",
        r"overval",
        r"\w*partnergeweld",
        r"wapen",
        r"mes(?:sen)?\b",
    ),
    "inbraak": (
        r"\w*inbra",
        r"\w*inbrek",
        r"ingebroken",
        r"\w*(?<!identiteits)diefstal",
        r"gestolen",
        r"dieven",
        r"dief\b",
        r"stelen",
        r"steelt",
        r"\w*insluip",
        r"heling",
        r"diefstal met list",
        r"valse (?:loodgieter|technieker|agent|politie)",
    ),
    "milieu": (
        r"\w*sluikstort",
        r"\w*afval",
        r"zwerfvuil",
        r"hondenpoep",
        r"hondepoep",
        r"hondenstront",
        r"\w*vervuil",
        r"\w*milieu",
        r"vuilnis",
        r"vuilbak",
        r"\w*dump",
        r"asbest",
        r"\w*verbrand",
        r"geurhinder",
        r"stank",
        r"fijn ?stof",
        r"\w*lozing",
    ),
    "verkeer": (
        r"\w*snelheid",
        r"te snel",
        r"snel (?:rijden|gereden|rijdt)",
        r"\w*verkeer",
        r"\w*fiets",
        r"zebrapad",
        r"oversteek",
        r"oversteken",
        r"\w*parkeer",
        r"\w*parkeren",
        r"geparkeerd",
        r"flits",
        r"rijden",
        r"rijdt",
        r"\w*rijders?\b",
        r"gereden",
        r"rijgedrag",
        r"racen",
        r"racet",
        r"scheurende",
        r"wegpiraat",
        r"\w*ongeval",
        r"aanrijding",
        r"kruispunt",
        r"rotonde",
        r"voetpad",
        r"vrachtwagen",
        r"zwaar vervoer",
        r"auto'?s",
        r"wagens?\b",
        r"zone 30",
        r"bestuurder",
        r"onder invloed",
        r"gsm achter het stuur",
        r"steps?\b",
    ),
    "overlast": (
        r"\w*overlast",
        r"\w*lawaai",
        r"\w*geluid",
        r"hangjongeren",
        r"rondhang",
        r"vandal",
        r"\w*verniel",
        r"\w*beschadig",
        r"graffiti",
        r"\w*ruzie",
        r"vuurwerk",
        r"wildplass",
        r"bedel",
        r"samenschol",
        r"dronken",
        r"zatlap",
        r"luide muziek",
        r"roepen",
        r"tieren",
        r"bende",
    ),
}
"""Default keyword patterns (normalised: lower case, no accents) per KIV phenomenon."""


def normalise(text: str) -> str:
    """Lower case without diacritics (``Cocaïne`` -> ``cocaine``), length kept for ASCII."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def keyword_pattern(word: str) -> str:
    """A planner's plain keyword as a lexicon pattern: normalised, escaped, spaces flexible."""
    parts = normalise(word).split()
    return r"\s+".join(re.escape(part) for part in parts)


def merge_lexicon(
    default: Lexicon, extra: Mapping[str, Sequence[str]]
) -> dict[str, tuple[str, ...]]:
    """``default`` plus planners' plain keywords per phenomenon (new phenomena allowed).

    Extra keywords are escaped (a ``.`` or ``+`` in them is literal), normalised and
    appended after the defaults without duplicates; empty keywords are ignored.
    """
    merged: dict[str, tuple[str, ...]] = {key: tuple(patterns) for key, patterns in default.items()}
    for phenomenon, words in extra.items():
        patterns = list(merged.get(phenomenon, ()))
        for word in words:
            pattern = keyword_pattern(word)
            if pattern and pattern not in patterns:
                patterns.append(pattern)
        merged[phenomenon] = tuple(patterns)
    return merged


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    # Start-of-word anchor, unless the pattern opts into compounds with a leading \w*.
    parts = [p if p.startswith(r"\w*") else rf"(?<!\w)(?:{p})" for p in patterns]
    return re.compile("|".join(f"(?:{part})" for part in parts))


def _pattern_for(lexicon: Lexicon, phenomenon: str) -> re.Pattern[str] | None:
    return _compiled(tuple(lexicon.get(phenomenon, ())))


def keyword_hits(text: str, phenomenon: str, lexicon: Lexicon = DEFAULT_LEXICON) -> int:
    """Number of keyword occurrences of ``phenomenon`` in ``text`` (non-overlapping)."""
    pattern = _pattern_for(lexicon, phenomenon)
    if pattern is None or not text:
        return 0
    return sum(1 for _ in pattern.finditer(normalise(text)))


def tag(text: str, lexicon: Lexicon = DEFAULT_LEXICON) -> set[str]:
    """The phenomena whose keywords occur in ``text``."""
    if not text:
        return set()
    normalised = normalise(text)
    found: set[str] = set()
    for phenomenon in lexicon:
        pattern = _pattern_for(lexicon, phenomenon)
        if pattern is not None and pattern.search(normalised):
            found.add(phenomenon)
    return found


def representative_quotes(
    comments: Sequence[tuple[Id, str]],
    phenomenon: str,
    lexicon: Lexicon = DEFAULT_LEXICON,
    k: int = 3,
    min_length: int = 40,
    max_length: int = 300,
    always: Collection[Id] = (),
) -> list[tuple[Id, str]]:
    """Up to ``k`` redacted comments that illustrate ``phenomenon``, deterministically.

    Comments are redacted first (:func:`~survey.privacy.redaction.redact`); tagging,
    hit counts and length are computed on the redacted text, which is what gets
    shown. Among comments tagged with the phenomenon the order is: a length within
    ``min_length``..``max_length`` characters first (a quote must fit on the page and
    say something), then more keyword hits, then the lowest id. Identical texts
    (after normalising case, accents and white space) are quoted once. The ids in
    ``always`` count as tagged without a keyword (a planner tagged them).
    """
    candidates: list[tuple[tuple[Any, ...], Id, str]] = []
    seen: set[str] = set()
    for comment_id, text in comments:
        shown = redact(text.strip())
        hits = keyword_hits(shown, phenomenon, lexicon)
        if hits == 0 and comment_id not in always:
            continue
        length = len(shown)
        rank_key = (
            not (min_length <= length <= max_length),
            -hits,
            code_order(comment_id),
        )
        candidates.append((rank_key, comment_id, shown))
    candidates.sort(key=lambda item: item[0])
    quotes: list[tuple[Id, str]] = []
    for _key, comment_id, shown in candidates:
        fingerprint = " ".join(normalise(shown).split())
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        quotes.append((comment_id, shown))
        if len(quotes) == k:
            break
    return quotes
