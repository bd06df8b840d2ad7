"""``ranking``: choose and order up to ``choose`` options."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from typing_extensions import override
from wtforms import IntegerField
from wtforms.validators import Optional

from survey.analysis.inputs import SummaryContext, SurveyFigures
from survey.analysis.tables import (
    CrossTable,
    RankedCategory,
    RankingTable,
    Summary,
    complete_cells,
    complete_columns,
)
from survey.i18n import text_for
from survey.questions.base import (
    AnswerRow,
    FormData,
    Problem,
    QuestionType,
    Sampler,
    StoredAnswer,
    VariableSpec,
    option_label,
    parse_code,
    typed_code,
)
from survey.questions.choices import cross_table, weighted_cells
from survey.questions.editor import ChoicesForm, ShuffleForm, Spec, put_setting

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef
    from survey.definitions.validation import Checker


class RankingForm(ChoicesForm, ShuffleForm):
    """Options or a scale, and how many to choose and order."""

    choose = IntegerField(_l("How many to choose and order"), validators=[Optional()])

    @classmethod
    @override
    def fill(cls, spec: Spec) -> Spec:
        return {**super().fill(spec), "choose": spec.get("choose")}

    @override
    def settings(self, spec: Spec) -> None:
        super().settings(spec)
        put_setting(spec, "choose", self.choose.data)


class Ranking(QuestionType):
    """First, second, third choice (works without JavaScript: one select
    per rank). Variables ``key.1`` .. ``key.N`` hold the option code at each
    rank. Ranks must be filled from the first on, without repeats; fewer
    than N is allowed unless ``required`` (then at least the first), or
    ``all_ranks`` (then an answer fills all N ranks: a forced top N).
    Figures: % of respondents choosing an option at any rank, first-place
    count, and Borda points (N for first place down to 1)."""

    name = "ranking"
    position = 50
    answer_seconds_each = 12.0

    @override
    def answer_seconds(self, question: QuestionDef) -> float:
        """Weighing the options for every rank."""
        return self.answer_seconds_each * self.choose(question)

    keys: ClassVar[frozenset[str]] = frozenset(
        {"options", "scale", "choose", "shuffle", "all_ranks"}
    )
    # ``partner_top3``: the partners' own count per phenomenon, never pooled
    # with the residents' ``priority`` share (survey.analysis.priority).
    measures: ClassVar[frozenset[str]] = frozenset({"priority", "partner_top3"})
    # The options of a ranking compete for the first places, so the first
    # ones listed would win by position alone: shuffled unless the file says no.
    shuffle_default: ClassVar[bool | None] = True
    editor = RankingForm

    @override
    def starter(self, language: str) -> dict[str, Any]:
        """Two options, of which the person puts one first."""
        return {**super().starter(language), "choose": 1}

    @override
    def validate(self, spec: dict[str, Any], path: str, checker: Checker) -> None:
        count = checker.choices(spec, path)
        checker.shuffle(spec, path)
        if "choose" not in spec:
            checker.problem(f"{path}.choose", "choose_required")
        else:
            checker.integer(spec["choose"], f"{path}.choose", minimum=1, maximum=max(count, 1))
        if "all_ranks" in spec:
            checker.boolean(spec["all_ranks"], f"{path}.all_ranks")

    def ordered(self, question: QuestionDef) -> bool:
        """A rank holds the code of the option put there: no order, even
        when the options come from an ordered scale."""
        return False

    @staticmethod
    def choose(question: QuestionDef) -> int:
        """How many options the person ranks (``choose``, default 1): one
        variable per rank."""
        return int(question.spec.get("choose", 1))

    @override
    def variables(self, question: QuestionDef) -> list[VariableSpec]:
        return [
            VariableSpec(name=f"{question.key}.{rank}", rank=rank)
            for rank in range(1, self.choose(question) + 1)
        ]

    @override
    def empty(self, question: QuestionDef) -> list[int]:
        return []

    @override
    def answer_rows(self, question: QuestionDef, value: Any) -> list[AnswerRow]:
        value = list(value or [])
        return [
            AnswerRow(
                f"{question.key}.{rank}", code=value[rank - 1] if rank <= len(value) else None
            )
            for rank in range(1, self.choose(question) + 1)
        ]

    @override
    def from_rows(self, question: QuestionDef, rows: Sequence[StoredAnswer]) -> Any:
        ranked = sorted(rows, key=lambda row: row.variable.rank or 0)
        values = [row.code for row in ranked]
        while values and values[-1] is None:
            values.pop()
        return values

    @override
    def from_cells(self, question: QuestionDef, cells: Mapping[str, str]) -> list[int]:
        # Kept positional: a gap (rank 2 empty, rank 3 filled) is caught by
        # ``check`` with a clear message rather than silently closed.
        ranks: list[int | None] = []
        for rank in range(1, self.choose(question) + 1):
            name = f"{question.key}.{rank}"
            raw = cells.get(name, "")
            ranks.append(None if raw.strip() == "" else parse_code(name, raw))
        while ranks and ranks[-1] is None:
            ranks.pop()
        return ranks  # type: ignore[return-value]

    @override
    def tolerant(self, question: QuestionDef, form: FormData) -> Any:
        return [
            typed_code(form.get(f"{question.key}.{n}", ""))
            for n in range(1, self.choose(question) + 1)
        ]

    @override
    def first_field(self, question: QuestionDef) -> str:
        return f"{question.key}.1"

    @override
    def to_cells(self, question: QuestionDef, value: Any) -> dict[str, Any]:
        value = list(value or [])
        return {
            f"{question.key}.{rank}": value[rank - 1] if rank <= len(value) else None
            for rank in range(1, self.choose(question) + 1)
        }

    @override
    def check(self, question: QuestionDef, value: Any) -> list[Problem]:
        problems: list[Problem] = []
        value = list(value or [])
        missing = {o.code for o in question.options if o.missing}
        if question.required and not value:
            problems.append((f"{question.key}.1", _l("Choose at least your first choice.")))
        if len(value) > self.choose(question):
            problems.append(
                (question.key, _l("Choose at most %(n)s options.", n=self.choose(question)))
            )
        elif (
            value
            and len(value) < self.choose(question)
            and question.spec.get("all_ranks")
            and not (len(value) == 1 and value[0] in missing)
        ):
            problems.append(
                (
                    f"{question.key}.{len(value) + 1}",
                    _l("Choose exactly %(n)s options.", n=self.choose(question)),
                )
            )
        for rank, code in enumerate(value, start=1):
            name = f"{question.key}.{rank}"
            if code is None:
                problems.append((name, _l("Fill in the choices in order, without gaps.")))
            elif code not in question.codes:
                problems.append((name, _l("Choose one of the options.")))
        chosen = [c for c in value if c is not None]
        if len(set(chosen)) != len(chosen):
            problems.append((question.key, _l("Choose each option only once.")))
        # A "don't know" ranked beside real choices would count that person among
        # the choices but not among the respondents with a valid first choice (the
        # base of every share and of the priority matrix): shares above 100 %.
        if len(chosen) > 1 and missing & set(chosen):
            problems.append(
                (question.key, _l("This option cannot be combined with the other options."))
            )
        return problems

    @override
    def answer_lines(self, question: QuestionDef, value: Any, language: str) -> list[str]:
        return [
            _("%(rank)s. %(label)s", rank=rank, label=option_label(question, code, language))
            for rank, code in enumerate(value, start=1)
            if code is not None
        ]

    @override
    def matches(self, question: QuestionDef, value: Any, code: Any) -> bool:
        return code in (value or [])

    def summary(
        self, question: QuestionDef, figures: SurveyFigures, context: SummaryContext
    ) -> Summary:
        """Per option: chosen at any rank, at rank 1, and Borda points (N
        for rank 1 down to 1 for rank N); ``valid`` = respondents with a
        valid first choice."""
        choose = self.choose(question)
        names = [f"{question.key}.{rank}" for rank in range(1, choose + 1)]
        valid_codes = question.valid_codes
        chosen: dict[int, int] = defaultdict(int)
        first: dict[int, int] = {}
        borda: dict[int, int] = defaultdict(int)
        for rank, name in enumerate(names, start=1):
            for code, n in figures.counts(name).items():
                if code is None or code not in valid_codes:
                    continue
                chosen[code] += n
                borda[code] += n * (choose - rank + 1)
                if rank == 1:
                    first[code] = n
        first_counts = figures.counts(names[0])
        # Ranks are filled from the first on: a respondent with a valid first
        # choice chose at least one option.
        valid = sum(n for code, n in first_counts.items() if code in valid_codes)
        table = RankingTable(
            tuple(
                RankedCategory(
                    o.code,
                    text_for(o.label, context.language),
                    chosen.get(o.code, 0),
                    first.get(o.code, 0),
                    borda.get(o.code, 0),
                    o.missing,
                )
                for o in question.options
            ),
            valid=valid,
            missing=sum(first_counts.values()) - valid,
            choose=choose,
            weighted=figures.weighted(names, valid_codes, base="first"),
        )
        crosstabs = (
            _crosstabs(question, figures, context, names, chosen, valid)
            if figures.has(names[0])
            else []
        )
        return Summary(table, tuple(crosstabs))

    def sample(self, question: QuestionDef, sampler: Sampler) -> Any:
        """The most urgent options first; sometimes fewer than ``choose``
        (never with ``all_ranks``)."""
        choose = self.choose(question)
        weights = sampler.rank_weights(question)
        missing = {o.code for o in question.options if o.missing}
        ranking: list[int] = []
        while len(ranking) < min(choose, len(weights)):
            left = {c: w for c, w in weights.items() if c not in ranking}
            if ranking:  # a "don't know" stands alone (``check``)
                left = {c: w for c, w in left.items() if c not in missing}
            if not left:
                break
            ranking.append(sampler.pick(left))
            if ranking[0] in missing:
                break
        if not question.spec.get("all_ranks") and sampler.rng.random() < 0.08:
            ranking = ranking[: sampler.rng.randint(1, max(1, choose - 1))]
        return ranking


def _crosstabs(
    question: QuestionDef,
    figures: SurveyFigures,
    context: SummaryContext,
    names: list[str],
    chosen: Mapping[int, int],
    valid: int,
) -> list[CrossTable]:
    """One cross-tab per dimension: per option its choices at every rank
    added up, the respondents with a valid first choice as the column bases
    (weighted the same way when the report is)."""
    valid_codes = question.valid_codes
    crosstabs: list[CrossTable] = []
    valid_counts = {o.code: chosen.get(o.code, 0) for o in question.options if not o.missing}
    by_rank = [figures.crosstabs(name) for name in names if figures.has(name)]
    for index, found in enumerate(by_rank[0]):
        columns = list(found.dimension.columns)
        raw: dict[tuple[int | None, Any], int] = defaultdict(int)
        for tabs in by_rank:
            for key, n in tabs[index].counts.items():
                raw[key] += n
        first_choices: dict[Any, int] = defaultdict(int)
        for (code, column), n in found.counts.items():
            if code in valid_codes:
                first_choices[column] += n
        # Weighted the same way: every rank added up, first places as
        # the column bases.
        weighted: dict[tuple[int | None, Any], float] | None = None
        weighted_first: dict[Any, float] | None = None
        if found.weighted is not None:
            weighted, weighted_first = defaultdict(float), defaultdict(float)
            for tabs in by_rank:
                for key, total in (tabs[index].weighted or {}).items():
                    weighted[key] += total
            for (code, column), total in found.weighted.items():
                if code in valid_codes:
                    weighted_first[column] += total
        crosstabs.append(
            cross_table(
                question,
                found.dimension,
                complete_cells(raw, columns, valid_counts),
                context.language,
                column_valid=complete_columns(first_choices, columns, valid),
                weighted=weighted_cells(weighted, valid_counts),
                weighted_column_valid=weighted_first,
            )
        )
    return crosstabs
