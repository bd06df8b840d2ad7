"""What people wrote: the residents' free-text themes of a survey and the
partner input of its consultation.

Only redacted texts are read (``FreeText.redacted``, see
``survey.privacy.redaction``). Comments are tagged with the phenomena of the
keyword lexicon (``survey.analysis.tagging``: the default lexicon plus the
consultation's own keywords); a comment may get several. A planner's
correction of a comment's phenomena (``TagCorrection``, keyed by
``text_key`` of the redacted text) replaces what the keywords found, for
every copy of that text, in the residents' themes and the partner quotes;
the report counts how many comments were corrected. Every copy of a text
counts as a comment; blank texts are not comments. A partner organisation
is named with its quote only when it agreed to be named and is shown by
name (``survey.analysis.partner_answers``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from survey.analysis import aggregates, partner_answers, tagging
from survey.analysis.aggregates import SurveyAggregates
from survey.analysis.model import (
    PartnerInput,
    PartnerOption,
    PartnerQuote,
    PartnerShortAnswers,
)
from survey.analysis.tables import TextThemes, Theme
from survey.definitions.definition import SurveyDefinition, definition_of
from survey.extensions import DbSession
from survey.i18n import text_for
from survey.models import Consultation, Survey

QUOTES_PER_THEME = 3


def lexicon_of(consultation: Consultation) -> dict[str, tuple[str, ...]]:
    """The default lexicon with the consultation's own keywords added."""
    return tagging.merge_lexicon(tagging.DEFAULT_LEXICON, consultation.lexicon or {})


def text_key(text: str) -> str:
    """How a comment text is named in a tag correction: the SHA-256 of its
    redacted form, as the report reads it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tags_of(
    text: str, lexicon: Mapping[str, Any], corrections: Mapping[str, Sequence[str]]
) -> tuple[set[str], bool]:
    """The phenomena of a comment and whether a planner set them."""
    corrected = corrections.get(text_key(text))
    if corrected is not None:
        return set(corrected), True
    return tagging.tag(text, lexicon), False


def text_themes(
    texts: Iterable[tuple[int, str, int]],
    lexicon: Mapping[str, Any],
    labels: Mapping[str, str],
    corrections: Mapping[str, Sequence[str]] | None = None,
) -> TextThemes:
    """Pure: the themes from ``(lowest id, text, copies)``, one entry per
    distinct text (``aggregates.distinct_texts``), unsuppressed, with the
    planners' ``corrections`` (``text_key`` -> phenomena) over the keywords.
    A text is tagged once, and only its lowest id can be quoted: copies have
    the same length and keyword hits, so ``representative_quotes`` ranks
    them by id and quotes at most the lowest one. Themes by count (most
    first), then by phenomenon."""
    corrections = corrections or {}
    counts: dict[str, int] = defaultdict(int)
    tagged: dict[str, list[tuple[int, str]]] = defaultdict(list)
    by_planner: set[int] = set()
    untagged = 0
    comments = 0
    corrected = 0
    for comment_id, text, n in sorted(texts, key=lambda t: t[0]):
        if not (text and text.strip()):
            continue
        comments += n
        found, planner = tags_of(text, lexicon, corrections)
        if planner:
            corrected += n
            by_planner.add(comment_id)
        if not found:
            untagged += n
        for phenomenon in found:
            counts[phenomenon] += n
            tagged[phenomenon].append((comment_id, text))
    themes = []
    for phenomenon in sorted(counts, key=lambda p: (-counts[p], p)):
        # Only comments tagged with the phenomenon can be its quotes.
        quotes = tagging.representative_quotes(
            tagged[phenomenon], phenomenon, lexicon, k=QUOTES_PER_THEME, always=by_planner
        )
        themes.append(
            Theme(
                phenomenon,
                labels.get(phenomenon, phenomenon),
                counts[phenomenon],
                tuple(q for _i, q in quotes),
            )
        )
    return TextThemes(comments, untagged, tuple(themes), corrected=corrected)


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
    return text_themes(
        aggregates.distinct_texts(session, text_ids),
        lexicon,
        labels,
        aggregates.tag_corrections(session, survey.survey.consultation_id),
    )


def partner_input(
    session: DbSession,
    consultation: Consultation,
    lexicon: Mapping[str, Any],
    *,
    minimum: int,
    language: str,
) -> PartnerInput:
    """Responses per sector, what partners wrote (each distinct text once
    per organisation) and per phenomenon what they answered, in the groups
    of ``survey.analysis.partner_answers`` (``minimum``: the configured
    ``SURVEY_PARTNER_SECTOR_MIN``)."""
    surveys = [
        s
        for s in aggregates.consultation_surveys(session, consultation.id)
        if s.audience == "partner"
    ]
    sent = aggregates.partner_responses(session, [s.id for s in surveys])
    grouping = partner_answers.group_partners(
        (partner_answers.Organisation(r.partner_id, r.name, r.sector, r.named) for r in sent),
        minimum,
    )
    by_sector: dict[str, int] = {}
    for row in sent:
        by_sector[row.sector] = by_sector.get(row.sector, 0) + 1
    quotes: list[PartnerQuote] = []
    withheld_quotes = 0
    seen: set[tuple[str, int | None]] = set()
    corrections = aggregates.tag_corrections(session, consultation.id)
    rows: list[partner_answers.QuestionRow] = []
    short_answers: list[tuple[str, PartnerShortAnswers]] = []
    for other in surveys:
        definition = definition_of(other)
        variables = {v.name: v for v in aggregates.variables(session, other.id)}
        rows.extend(_question_rows(other, definition, variables, language))
        short_answers.extend(_short_answers(session, definition, variables, grouping, language))
        # Only remarks are quoted: a one-line answer (a place, an extra
        # attention point, counted in the matrix) is no comment on a phenomenon;
        # the places are shown with their phenomenon (``_short_answers``).
        ids = [
            variables[q.key].id
            for q in definition.questions
            if q.qtype.remark(q) and q.key in variables
        ]
        for text_row in aggregates.redacted_texts(session, ids, partners=True):
            text = text_row.redacted.strip()
            if not text or (text, text_row.partner_id) in seen:
                continue
            seen.add((text, text_row.partner_id))
            if text_row.partner_id in grouping.withheld:
                withheld_quotes += 1
                continue
            found, _planner = tags_of(text_row.redacted, lexicon, corrections)
            named = text_row.partner_id is not None and grouping.named(text_row.partner_id)
            quotes.append(
                PartnerQuote(text, text_row.partner_name if named else None, tuple(sorted(found)))
            )
    codes: dict[int, dict[int, int | None]] = defaultdict(dict)
    for variable_id, partner_id, code in aggregates.partner_codes(
        session, [r.variable_id for r in rows]
    ):
        codes[variable_id][partner_id] = code
    responded: dict[int, list[int]] = defaultdict(list)
    for row in sent:
        responded[row.survey_id].append(row.partner_id)
    answers = [
        (
            r.phenomenon,
            partner_answers.row_answers(
                r, grouping, responded[r.survey_id], codes.get(r.variable_id, {})
            ),
        )
        for r in rows
    ]
    phenomena = [(p.key, text_for(p.label, language)) for p in consultation.phenomena]
    return PartnerInput(
        surveys=tuple(s.key for s in surveys),
        responses=len(sent),
        by_sector=dict(sorted(by_sector.items())),
        quotes=tuple(quotes),
        sector_min=minimum,
        groups=grouping.groups,
        withheld=len(grouping.withheld),
        quotes_withheld=withheld_quotes,
        phenomena=partner_answers.phenomena_section(phenomena, answers, quotes, short_answers),
        mixed_sectors=grouping.mixed_sectors,
        sector_labels={sector: consultation.sector_in(sector, language) for sector in by_sector},
    )


def _short_answers(
    session: DbSession,
    definition: SurveyDefinition,
    variables: Mapping[str, aggregates.VariableRow],
    grouping: partner_answers.Grouping,
    language: str,
) -> list[tuple[str, PartnerShortAnswers]]:
    """Per one-line question about one phenomenon (its condition names only
    that phenomenon's matrix rows: "Where does this happen most?") the
    redacted answers, each distinct text once per organisation, named as
    the comments are; the withheld organisations' answers are left out."""
    about = {
        q.key: (phenomenon, q)
        for q in definition.questions
        if q.qtype.free_text
        and not q.qtype.remark(q)
        and q.key in variables
        and (phenomenon := partner_answers.condition_phenomenon(q, definition))
    }
    by_variable = {variables[key].id: key for key in about}
    found: dict[str, list[PartnerQuote]] = {key: [] for key in about}
    seen: set[tuple[str, str, int | None]] = set()
    for row in aggregates.redacted_texts(session, list(by_variable), partners=True):
        key = by_variable[row.variable_id]
        text = row.redacted.strip()
        if not text or (key, text, row.partner_id) in seen or row.partner_id in grouping.withheld:
            continue
        seen.add((key, text, row.partner_id))
        named = row.partner_id is not None and grouping.named(row.partner_id)
        found[key].append(PartnerQuote(text, row.partner_name if named else None, ()))
    return [
        (
            phenomenon,
            PartnerShortAnswers(key, text_for(question.text, language), tuple(found[key])),
        )
        for key, (phenomenon, question) in about.items()
    ]


def _question_rows(
    survey: Survey,
    definition: SurveyDefinition,
    variables: Mapping[str, aggregates.VariableRow],
    language: str,
) -> list[partner_answers.QuestionRow]:
    """The question rows (matrix rows) of a partner survey that name a
    phenomenon."""
    rows = []
    for question in definition.questions:
        options = tuple(
            PartnerOption(o.code, text_for(o.label, language), o.missing) for o in question.options
        )
        for spec in question.qtype.variables(question):
            variable = variables.get(spec.name)
            if spec.row_key is None or spec.phenomenon is None or variable is None:
                continue
            rows.append(
                partner_answers.QuestionRow(
                    survey_id=survey.id,
                    survey=survey.key,
                    variable_id=variable.id,
                    question=question.key,
                    row=spec.row_key,
                    phenomenon=spec.phenomenon,
                    text=text_for(question.text, language),
                    measure=question.measure,
                    options=options,
                )
            )
    return rows
