"""The planners' check of the free-text tags: every distinct comment of a
survey (its redacted form, as the report shows it) with the phenomena the
keyword lexicon found, and the planner's correction, which the report then
counts (``survey.analysis.themes``).

Rules:

- A correction names the phenomena of one comment text, for every copy of
  it, in the whole consultation (``TagCorrection``); it may name none (the
  comment is about no phenomenon). Only phenomena of the consultation or
  of the lexicon can be chosen.
- Going back to the keywords deletes the correction.
- Comments are listed in the order the report reads them (the first copy
  first), a page at a time, and can be filtered by phenomenon (or those
  without one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete

from survey.analysis import aggregates, tagging, themes
from survey.extensions import DbSession
from survey.i18n import text_for
from survey.models import Consultation, Survey, TagCorrection

PAGE_SIZE = 25
NONE = "-"
"""The filter value of comments without a phenomenon."""


class TagsRefused(ValueError):
    """A correction that cannot be stored; ``message`` says why, in Dutch."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CommentRow:
    """One redacted comment on the comments page, with its themes."""

    key: str
    """``themes.text_key`` of the text: what a correction is stored under."""
    text: str
    copies: int
    phenomena: tuple[str, ...]
    keywords: tuple[str, ...]
    """What the keyword lexicon finds, corrected or not."""
    corrected: bool


@dataclass(frozen=True)
class CommentPage:
    """One page of comments and how many there are in all."""

    rows: tuple[CommentRow, ...]
    total: int
    page: int
    pages: int
    labels: Mapping[str, str]
    """Every phenomenon that can be chosen, with its label."""


def phenomenon_labels(consultation: Consultation, language: str = "nl") -> dict[str, str]:
    """The consultation's phenomena, then those of the lexicon it lacks."""
    labels = {p.key: text_for(p.label, language) for p in consultation.phenomena}
    for key in themes.lexicon_of(consultation):
        labels.setdefault(key, key)
    return labels


def comments(
    session: DbSession, survey: Survey, phenomenon: str | None = None, page: int = 1
) -> CommentPage:
    """One page of the survey's comments with their tags."""
    consultation = aggregates.consultation_of(session, survey.consultation_id)
    lexicon = themes.lexicon_of(consultation)
    corrections = aggregates.tag_corrections(session, consultation.id)
    found = aggregates.survey_texts(session, survey.id)
    rows: list[CommentRow] = []
    for _id, text, copies in found:
        if not text.strip():
            continue
        tags, corrected = themes.tags_of(text, lexicon, corrections)
        if phenomenon == NONE and tags:
            continue
        if phenomenon not in (None, NONE) and phenomenon not in tags:
            continue
        rows.append(
            CommentRow(
                themes.text_key(text),
                text,
                copies,
                tuple(sorted(tags)),
                tuple(sorted(tagging.tag(text, lexicon))),
                corrected,
            )
        )
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    return CommentPage(
        tuple(rows[start : start + PAGE_SIZE]),
        len(rows),
        page,
        pages,
        phenomenon_labels(consultation),
    )


def correct(
    session: DbSession,
    survey: Survey,
    key: str,
    phenomena: Sequence[str],
    *,
    reset: bool = False,
) -> None:
    """Store the phenomena of the comment text ``key`` of ``survey`` (or,
    with ``reset``, go back to the keywords). Raises ``TagsRefused``.
    Flushes only."""
    consultation = aggregates.consultation_of(session, survey.consultation_id)
    known = {themes.text_key(text) for _id, text, _n in aggregates.survey_texts(session, survey.id)}
    if key not in known:
        raise TagsRefused(_("This comment is not a comment of this survey."))
    labels = phenomenon_labels(consultation)
    unknown = sorted(set(phenomena) - set(labels))
    if unknown:
        raise TagsRefused(
            _("Unknown phenomenon: %(names)s.", names=", ".join(p[:40] for p in unknown[:5]))
        )
    session.execute(
        delete(TagCorrection).where(
            TagCorrection.consultation_id == consultation.id, TagCorrection.text_hash == key
        )
    )
    if not reset:
        session.add(
            TagCorrection(
                consultation_id=consultation.id,
                text_hash=key,
                phenomena=sorted(set(phenomena)),
            )
        )
    session.flush()
