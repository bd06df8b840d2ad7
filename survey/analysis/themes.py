"""What people wrote: the residents' free-text themes of a survey and the
partner input of its consultation.

Only redacted texts are read (``FreeText.redacted``, see
``survey.privacy.redaction``). Comments are tagged with the phenomena of the
keyword lexicon (``survey.analysis.tagging``: the default lexicon plus the
consultation's own keywords); a comment may get several. Every copy of a
text counts as a comment; blank texts are not comments. A partner
organisation is named with its quote only when it answered 1 (yes) to the
``vermelding`` question of its survey.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from survey.analysis import aggregates, tagging
from survey.analysis.aggregates import SurveyAggregates
from survey.analysis.model import PartnerInput, PartnerQuote
from survey.analysis.tables import TextThemes, Theme
from survey.definitions.definition import definition_of
from survey.extensions import DbSession
from survey.models import Consultation

CONSENT_QUESTION = "vermelding"
QUOTES_PER_THEME = 3


def lexicon_of(consultation: Consultation) -> dict[str, tuple[str, ...]]:
    """The default lexicon with the consultation's own keywords added."""
    return tagging.merge_lexicon(tagging.DEFAULT_LEXICON, consultation.lexicon or {})


def text_themes(
    texts: Iterable[tuple[int, str, int]],
    lexicon: Mapping[str, Any],
    labels: Mapping[str, str],
) -> TextThemes:
    """Pure: the themes from ``(lowest id, text, copies)``, one entry per
    distinct text (``aggregates.distinct_texts``), unsuppressed. A text is
    tagged once, and only its lowest id can be quoted: copies have the same
    length and keyword hits, so ``representative_quotes`` ranks them by id
    and quotes at most the lowest one. Themes by count (most first), then
    by phenomenon."""
    counts: dict[str, int] = defaultdict(int)
    tagged: dict[str, list[tuple[int, str]]] = defaultdict(list)
    untagged = 0
    comments = 0
    for comment_id, text, n in sorted(texts, key=lambda t: t[0]):
        if not (text and text.strip()):
            continue
        comments += n
        found = tagging.tag(text, lexicon)
        if not found:
            untagged += n
        for phenomenon in found:
            counts[phenomenon] += n
            tagged[phenomenon].append((comment_id, text))
    themes = []
    for phenomenon in sorted(counts, key=lambda p: (-counts[p], p)):
        # Only comments tagged with the phenomenon can be its quotes.
        quotes = tagging.representative_quotes(
            tagged[phenomenon], phenomenon, lexicon, k=QUOTES_PER_THEME
        )
        themes.append(
            Theme(
                phenomenon,
                labels.get(phenomenon, phenomenon),
                counts[phenomenon],
                tuple(q for _i, q in quotes),
            )
        )
    return TextThemes(comments, untagged, tuple(themes))


def resident_themes(
    session: DbSession,
    survey: SurveyAggregates,
    lexicon: Mapping[str, Any],
    labels: Mapping[str, str],
) -> TextThemes:
    """The free-text themes of the text questions of ``survey``."""
    text_ids = [
        survey.variables[q.key].id
        for q in survey.definition.questions
        if q.qtype.free_text and q.key in survey.variables
    ]
    return text_themes(aggregates.distinct_texts(session, text_ids), lexicon, labels)


def partner_input(
    session: DbSession, consultation: Consultation, lexicon: Mapping[str, Any]
) -> PartnerInput:
    """Responses per sector and the quotes of the consultation's partner
    surveys (each distinct text once per organisation)."""
    surveys = [
        s
        for s in aggregates.consultation_surveys(session, consultation.id)
        if s.audience == "partner"
    ]
    responses = 0
    by_sector: dict[str, int] = {}
    quotes: list[PartnerQuote] = []
    seen: set[tuple[str, str | None]] = set()
    for other in surveys:
        definition = definition_of(other)
        variables = {v.name: v for v in aggregates.variables(session, other.id)}
        for sector, n in aggregates.partner_response_count(session, other.id).items():
            by_sector[sector] = by_sector.get(sector, 0) + n
            responses += n
        ids = [
            variables[q.key].id
            for q in definition.questions
            if q.qtype.free_text and q.key in variables
        ]
        consent = variables.get(CONSENT_QUESTION)
        for row in aggregates.redacted_texts(session, ids, consent.id if consent else None):
            text = row.redacted.strip()
            if not text or (text, row.partner_name) in seen:
                continue
            seen.add((text, row.partner_name))
            quotes.append(
                PartnerQuote(text, row.partner_name, tuple(sorted(tagging.tag(text, lexicon))))
            )
    return PartnerInput(
        surveys=tuple(s.key for s in surveys),
        responses=responses,
        by_sector=dict(sorted(by_sector.items())),
        quotes=tuple(quotes),
    )
