"""The partner part of the report: what partners answered about each
phenomenon, by organisation or by group, and what they wrote about it.
Pure functions; ``survey.analysis.themes.partner_input`` reads the data.

Partners are named organisations, not a sample of residents: the
residents' threshold (a count of people) would hide every figure of a
handful of organisations. Their own rules (``group_partners``), with
``minimum`` = ``SURVEY_PARTNER_SECTOR_MIN`` (default 3):

- an organisation that agreed to be named (``PartnerOrganisation.named``)
  is a group of its own, shown by name;
- the others are shown per sector where the sector has at least
  ``minimum`` of them;
- the rest (smaller sectors) together as "other organisations" when they
  are at least ``minimum``. When they are fewer, the smallest sector group
  (ties: by sector) joins them; when there is none, named organisations
  join them (by name, from the last) until they are enough, and are then
  not shown by name; when all organisations together are fewer than
  ``minimum``, the named ones stay named and the others are withheld (the
  priority matrix then hides the pooled importance too: its base is below
  the minimum).

Every organisation is then in exactly one group, and every group is one
organisation that agreed to be named or at least ``minimum``
organisations. Any sum or difference of published figures (the groups'
counts here, the pooled importance of the priority matrix, and the sector
means it publishes only for sectors that are not ``mixed_sectors``) is a
figure of whole groups: it never singles out an organisation that did not
agree to be named, nor tells it from fewer than ``minimum`` others. No
figure over all partners is published in this part.

Comments: named with their organisation when it is a group of its own;
else without a name, and left out (counted) when their organisation is
withheld. One-line answers to a question about a phenomenon (where it
happens most) follow the same rule, without the count: the withheld
organisations' answers are all left out, as the rules say.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from survey.analysis.model import (
    PartnerGroup,
    PartnerOption,
    PartnerPhenomenon,
    PartnerQuote,
    PartnerRowAnswers,
    PartnerShortAnswers,
)
from survey.definitions.conditions import references
from survey.definitions.definition import QuestionDef, SurveyDefinition

OTHER = "other"


@dataclass(frozen=True, slots=True)
class Organisation:
    """A partner organisation that sent the survey; ``named``: it agreed to
    be named in the report."""

    id: int
    name: str
    sector: str
    named: bool


@dataclass(frozen=True)
class Grouping:
    """The groups, which group each organisation is in (withheld ones are
    in none), and the sectors a whole-sector figure must not be shown for."""

    groups: tuple[PartnerGroup, ...]
    group_of: Mapping[int, str]
    withheld: frozenset[int]
    mixed_sectors: frozenset[str]

    def named(self, organisation_id: int) -> bool:
        """Shown by its name (a group of its own)."""
        return self.group_of.get(organisation_id, "").startswith("named:")


def group_partners(organisations: Iterable[Organisation], minimum: int) -> Grouping:
    """The groups of the module rules for the organisations that answered."""
    everyone = sorted(set(organisations), key=lambda o: (o.name.casefold(), o.id))
    named = [o for o in everyone if o.named]
    by_sector: dict[str, list[Organisation]] = defaultdict(list)
    for organisation in everyone:
        if not organisation.named:
            by_sector[organisation.sector].append(organisation)
    sectors = {s: members for s, members in by_sector.items() if len(members) >= minimum}
    other = [o for s, members in by_sector.items() if s not in sectors for o in members]
    if 0 < len(other) < minimum and sectors:
        smallest = min(sectors, key=lambda s: (len(sectors[s]), s.casefold(), s))
        other.extend(sectors.pop(smallest))
    folded = []
    while 0 < len(other) < minimum and named:
        folded.append(named.pop())
        other.append(folded[-1])
    withheld: list[Organisation] = []
    if 0 < len(other) < minimum:
        # Fewer than the minimum answered at all: the named ones stay named,
        # the others are withheld (and so is every total, on too few).
        named.extend(reversed(folded))
        withheld = [o for o in other if not o.named]
        other = []
    groups: list[PartnerGroup] = []
    group_of: dict[int, str] = {}
    for organisation in named:
        key = f"named:{organisation.name}"
        groups.append(PartnerGroup(key, "named", organisation.name, organisation.sector, 1))
        group_of[organisation.id] = key
    for sector in sorted(sectors, key=lambda s: (s.casefold(), s)):
        key = f"sector:{sector}"
        groups.append(PartnerGroup(key, "sector", None, sector, len(sectors[sector])))
        group_of.update((o.id, key) for o in sectors[sector])
    if other:
        groups.append(PartnerGroup(OTHER, OTHER, None, None, len(other)))
        group_of.update((o.id, OTHER) for o in other)
    return Grouping(
        tuple(groups),
        group_of,
        frozenset(o.id for o in withheld),
        frozenset(o.sector for o in (*other, *withheld)),
    )


@dataclass(frozen=True, slots=True)
class QuestionRow:
    """A question row about a phenomenon, with how to read its answers."""

    survey_id: int
    survey: str
    variable_id: int
    question: str
    row: str | None
    phenomenon: str
    text: str
    measure: str | None
    options: tuple[PartnerOption, ...]


def row_answers(
    row: QuestionRow,
    grouping: Grouping,
    responded: Iterable[int],
    codes: Mapping[int, int | None],
) -> PartnerRowAnswers:
    """Per group, how many of its organisations gave each option of ``row``
    and how many sent the survey (``responded``) without answering it.
    ``codes``: each organisation's code for the row (None: left empty)."""
    position = {o.code: i for i, o in enumerate(row.options)}
    counts = {g.key: [0] * len(row.options) for g in grouping.groups}
    no_answer = dict.fromkeys(counts, 0)
    for organisation in responded:
        group = grouping.group_of.get(organisation)
        if group is None:
            continue  # withheld
        code = codes.get(organisation)
        if code is None or code not in position:
            no_answer[group] += 1
        else:
            counts[group][position[code]] += 1
    return PartnerRowAnswers(
        survey=row.survey,
        question=row.question,
        row=row.row,
        text=row.text,
        measure=row.measure,
        options=row.options,
        counts={g: tuple(c) for g, c in counts.items()},
        no_answer=no_answer,
    )


def condition_phenomenon(question: QuestionDef, definition: SurveyDefinition) -> str | None:
    """The phenomenon a question asks about by its condition: it is shown
    only on answers to matrix rows of that one phenomenon (the partner
    survey's "Where does this happen most?", shown when the partner marked
    the phenomenon a priority or an attention point). None when it has no
    condition, or its condition names anything else."""
    if not question.show_if:
        return None
    found: set[str | None] = set()
    for reference in references(question.show_if):
        key, _dot, row = reference.partition(".")
        if not row or not definition.has_question(key):
            return None
        rows = {r.key: r.phenomenon for r in definition.question(key).rows}
        found.add(rows.get(row))
    return found.pop() if len(found) == 1 else None


def phenomena_section(
    phenomena: Sequence[tuple[str, str]],
    answers: Sequence[tuple[str, PartnerRowAnswers]],
    quotes: Sequence[PartnerQuote],
    short_answers: Sequence[tuple[str, PartnerShortAnswers]] = (),
) -> tuple[PartnerPhenomenon, ...]:
    """One section per phenomenon (consultation order; then any other a
    question row names) that has answers, comments or one-line answers."""
    labels = dict(phenomena)
    order = [key for key, _label in phenomena]
    named = [p for p, _a in answers] + [p for p, _s in short_answers]
    order.extend(sorted({p for p in named if p not in labels}))
    sections = []
    for key in order:
        rows = tuple(a for p, a in answers if p == key)
        said = tuple(q for q in quotes if key in q.phenomena)
        short = tuple(s for p, s in short_answers if p == key and s.answers)
        if rows or said or short:
            sections.append(PartnerPhenomenon(key, labels.get(key, key), rows, said, short))
    return tuple(sections)
