"""An independent attack on a published report: from the report JSON alone
(and the survey file a reader may hold), solve for every suppressed count.

Written apart from ``survey.analysis.relations`` / ``survey.analysis.audit``
on purpose: it reads the JSON, not the typed tables, and solves with
``scipy.optimize.linprog`` (the production audit uses ``milp``). Every
suppressed count (an option count, first places, a cross-tab cell or
column base, a valid or missing total, a theme count, a weighting sample
share) becomes an unknown; so do counts the report never shows (rank
counts, empty answers). The relations are those a careful reader would
write down:

- an options table's valid options add up to ``valid``, its missing options
  to at most ``missing``;
- a cross-tab's cells add up by option to the question's count and by
  column to the column base; the bases add up to ``valid``; for multiple
  choice and ranking a cell is at most its column base and a column's cells
  at least the base;
- multiple choice: each option at most ``valid``, together at least
  ``valid``; a ranking: chosen = sum of its ranks, first = rank 1, Borda =
  sum of (N - r + 1) x rank r, first places add up to ``valid``, rank r at
  most rank r - 1;
- a follow-up question with ``show_if: {question, equals}`` on a single
  question or matrix row: its valid + missing equal the condition's count
  (and per cross-tab column its base is at most the condition's cell);
- a cross-tab column of a dimension group is at most the group's count in
  the dimension question's table;
- the weighting section: the complete and the excluded responses add up
  to the responses, the design effect times the effective n is the
  complete responses (to within their rounding), every table's effective
  n is at most the complete responses (n_eff <= n), the sample shares
  times the complete responses are counts adding up to the complete
  responses; the groups left out of the
  weighting are each at most the excluded responses and together at least
  them, and a category the margins lack is its count in the dimension's
  table;
- the priority matrix: a published share (concern, priority,
  victimisation; two decimals) times its published base is the pooled
  count of its slots (the matrix rows or options naming the phenomenon,
  from the survey file) to within the rounding, and the base is the sum of
  the slots' valid answers (the survey is the only one of its consultation
  with these measures, as in the fixtures); concern counts respondents, so
  over several rows its base and its concerned respondents lie between the
  largest row's count and the rows' sum;
- every count is between 0 and the number of responses.

``recoverable(report, threshold)`` lists every suppressed count whose
interval is narrower than ``threshold``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linprog


@dataclass
class Attack:
    index: dict[Any, int] = field(default_factory=dict)
    targets: set[Any] = field(default_factory=set)
    eq: list[tuple[dict[Any, float], float]] = field(default_factory=list)
    le: list[tuple[dict[Any, float], float]] = field(default_factory=list)
    scale: dict[Any, float] = field(default_factory=dict)
    """Unknowns that may exceed the responses: their most, in responses
    (a ranking's Borda points reach ``choose`` per respondent)."""

    def term(self, name: Any, value: Any, *, target: bool = True) -> tuple[Any, float]:
        """A published value (constant) or an unknown."""
        if value is not None:
            return (None, float(value))
        self.index.setdefault(name, len(self.index))
        if target:
            self.targets.add(name)
        return (name, 1.0)

    def unknown(self, name: Any) -> Any:
        self.index.setdefault(name, len(self.index))
        return name

    def _split(self, terms: list[tuple[Any, float]]) -> tuple[dict[Any, float], float]:
        row: dict[Any, float] = defaultdict(float)
        constant = 0.0
        for name, coefficient in terms:
            if name is None:
                constant += coefficient
            else:
                row[name] += coefficient
        return row, constant

    def equal(self, terms: list[tuple[Any, float]]) -> None:
        """sum(terms) == 0."""
        row, constant = self._split(terms)
        if row:
            self.eq.append((row, -constant))

    def at_most(self, terms: list[tuple[Any, float]]) -> None:
        """sum(terms) <= 0."""
        row, constant = self._split(terms)
        if row:
            self.le.append((row, -constant))

    def intervals(self, upper: float) -> dict[Any, tuple[float, float]]:
        """Min and max of every target, component by component."""
        parent = {name: name for name in self.index}

        def find(name: Any) -> Any:
            while parent[name] != name:
                parent[name] = parent[parent[name]]
                name = parent[name]
            return name

        for row, _value in [*self.eq, *self.le]:
            first, *rest = row
            for name in rest:
                parent[find(name)] = find(first)
        components: dict[Any, list[Any]] = defaultdict(list)
        for name in self.index:
            components[find(name)].append(name)
        found: dict[Any, tuple[float, float]] = {}
        for names in components.values():
            targets = [n for n in names if n in self.targets]
            if targets:
                found.update(self._component(names, targets, upper, find))
        return found

    def _component(
        self, names: list[Any], targets: list[Any], upper: float, find: Any
    ) -> dict[Any, tuple[float, float]]:
        root = find(names[0])
        local = {name: i for i, name in enumerate(names)}
        n = len(names)

        def matrix(rows: list[tuple[dict[Any, float], float]]) -> tuple[Any, Any]:
            mine = [(row, value) for row, value in rows if find(next(iter(row))) == root]
            if not mine:
                return None, None
            a = np.zeros((len(mine), n))
            b = np.zeros(len(mine))
            for i, (row, value) in enumerate(mine):
                for name, coefficient in row.items():
                    a[i, local[name]] += coefficient
                b[i] = value
            return a, b

        a_eq, b_eq = matrix(self.eq)
        a_ub, b_ub = matrix(self.le)
        found = {}
        bounds = [(0, upper * self.scale.get(name, 1.0)) for name in names]
        for name in sorted(targets, key=repr):
            c = np.zeros(n)
            c[local[name]] = 1.0
            low = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds)
            high = linprog(-c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds)
            assert low.status == 0 and high.status == 0, (name, low.message, high.message)
            found[name] = (math.ceil(low.fun - 1e-6), math.floor(-high.fun + 1e-6))
        return found


def _options(attack: Attack, tid: Any, table: Mapping[str, Any], kind: str, choose: int) -> None:
    valid = attack.term(("valid", tid), table.get("valid"))
    missing = attack.term(("missing", tid), table.get("missing"))
    valid_terms = []
    missing_terms = []
    first_terms = []
    ranks: dict[int, list[Any]] = defaultdict(list)
    for option in table.get("options") or table.get("bands") or []:
        code = option["code"]
        if kind == "ranking":
            chosen = attack.term(("chosen", tid, code), option.get("chosen_count"))
            first = attack.term(("first", tid, code), option.get("first_count"))
            borda = attack.term(("borda", tid, code), option.get("borda"), target=False)
            if borda[0] is not None:
                attack.scale[borda[0]] = float(choose)
            at = [attack.unknown(("rank", tid, code, r)) for r in range(1, choose + 1)]
            attack.equal([*((r, 1.0) for r in at), (chosen[0], -chosen[1])])
            attack.equal([(at[0], 1.0), (first[0], -first[1])])
            attack.equal(
                [*((r, float(choose - i)) for i, r in enumerate(at)), (borda[0], -borda[1])]
            )
            for i, r in enumerate(at):
                ranks[i].append(r)
            if not option.get("missing"):
                first_terms.append((at[0], 1.0))
            continue
        count = attack.term(("count", tid, code), option.get("count"))
        (missing_terms if option.get("missing") else valid_terms).append(count)
        if kind == "multiple":
            attack.at_most([count, (valid[0], -valid[1])])
    if kind == "categorical":
        attack.equal([*valid_terms, (valid[0], -valid[1])])
        attack.at_most([*missing_terms, (missing[0], -missing[1])])
    elif kind == "multiple" and valid_terms:
        attack.at_most([(valid[0], valid[1]), *((n, -a) for n, a in valid_terms)])
    elif kind == "ranking":
        attack.equal([*first_terms, (valid[0], -valid[1])])
        for i in range(1, choose):
            attack.at_most([*((r, 1.0) for r in ranks[i]), *((r, -1.0) for r in ranks[i - 1])])


def _kind(entry: Mapping[str, Any]) -> str:
    if entry["type"] == "ranking":
        return "ranking"
    if entry["type"] == "multiple":
        return "multiple"
    return "categorical"


def attack_report(report: Mapping[str, Any], survey: Mapping[str, Any] | None = None) -> Attack:
    """The unknowns and relations of a report JSON (``survey``: the survey file)."""
    attack = Attack()
    kinds: dict[Any, str] = {}
    choose: dict[str, int] = {}
    dimension_of: dict[str, Any] = {}
    for entry in report["questions"]:
        key = entry["key"]
        if "rows" in entry:
            for row in entry["rows"]:
                _options(attack, (key, row["key"]), row, "categorical", 1)
                kinds[(key, row["key"])] = "categorical"
        elif "options" in entry:
            kind = _kind(entry)
            choose[key] = int(entry.get("choose") or 1)
            _options(attack, (key, None), entry, kind, choose[key])
            kinds[(key, None)] = kind
        else:
            attack.term(("valid", (key, None)), entry.get("valid"))
            attack.term(("missing", (key, None)), entry.get("missing"))
            if entry.get("bands"):
                _options(attack, (key, "bands"), entry, "categorical", 1)
        if entry.get("dimension"):
            dimension_of[entry["dimension"]] = (key, "bands" if entry.get("bands") else None)
    for tab in report["crosstabs"]:
        tid = (tab["question"], tab.get("row"))
        kind = kinds.get(tid, "categorical")
        xid = (tab["question"], tab.get("row"), tab["dimension"])
        columns = [attack.term(("col", xid, c["code"]), c["valid"]) for c in tab["columns"]]
        valid_name = ("valid", tid)
        attack.equal(
            [
                *columns,
                (valid_name, -1.0)
                if valid_name in attack.index
                else (None, -float(_published(report, tid, "valid"))),
            ]
        )
        by_column: dict[int, list[Any]] = defaultdict(list)
        for option in tab["options"]:
            row_terms = []
            for i, (column, cell) in enumerate(zip(tab["columns"], option["cells"], strict=True)):
                term = attack.term(("cell", xid, option["code"], column["code"]), cell["count"])
                row_terms.append(term)
                by_column[i].append(term)
                if kind != "categorical":
                    attack.at_most([term, (columns[i][0], -columns[i][1])])
            count_name = ("chosen" if kind == "ranking" else "count", tid, option["code"])
            total = (
                (count_name, -1.0)
                if count_name in attack.index
                else (None, -float(_published_count(report, tid, option["code"])))
            )
            attack.equal([*row_terms, total])
        for i, terms in by_column.items():
            col = columns[i]
            if kind == "categorical":
                attack.equal([*terms, (col[0], -col[1])])
            else:
                attack.at_most([(col[0], col[1]), *((n, -a) for n, a in terms)])
        source = dimension_of.get(tab["dimension"])
        for column, col in zip(tab["columns"], columns, strict=True):
            if source is None or column["code"] is None:
                continue
            group = _published_count(report, source, column["code"], missing_ok=True)
            name = ("count", source, column["code"])
            if name in attack.index:
                attack.at_most([col, (name, -1.0)])
            elif group is not None:
                attack.at_most([col, (None, -float(group))])
    _municipalities(attack, report)
    if survey is not None:
        _show_if(attack, report, survey)
        _priorities(attack, report, survey)
    weighting = report.get("weighting")
    if weighting:
        _weighting(attack, weighting, dimension_of, report)
    return attack


def _municipalities(attack: Attack, report: Mapping[str, Any]) -> None:
    """A published per-municipality figure: its count is the sum of its
    codes' cells in the group's column of the district cross-tab, and its
    base that column's base."""
    block = report.get("municipalities")
    if not block:
        return
    for section in block["sections"]:
        for figure in section["figures"]:
            if figure["suppressed"]:
                continue
            xid = (figure["question"], figure["row"], block["dimension"])
            cells = [
                attack.term(("cell", xid, code, section["code"]), None, target=False)
                if ("cell", xid, code, section["code"]) in attack.index
                else (None, float(_cell(report, xid, code, section["code"])))
                for code in figure["codes"]
            ]
            attack.equal([*cells, (None, -float(figure["count"]))])
            column = ("col", xid, section["code"])
            if column in attack.index and figure["valid"] is not None:
                attack.equal([(column, 1.0), (None, -float(figure["valid"]))])


def _cell(report: Mapping[str, Any], xid: Any, code: Any, column: Any) -> float:
    """A published cross-tab cell's count."""
    question, row, dimension = xid
    for tab in report["crosstabs"]:
        if (tab["question"], tab.get("row"), tab["dimension"]) != xid:
            continue
        index = next(i for i, c in enumerate(tab["columns"]) if c["code"] == column)
        for option in tab["options"]:
            if option["code"] == code:
                return float(option["cells"][index]["count"])
    raise KeyError((question, row, dimension, code, column))


def _weighting(
    attack: Attack,
    weighting: Mapping[str, Any],
    dimension_of: Mapping[str, Any],
    report: Mapping[str, Any],
) -> None:
    """The weighting section: complete + excluded = responses; the design
    effect times the effective n is the complete responses (Kish: n_eff =
    n / deff), to within the rounding of both; sample shares times the
    complete responses are the complete responses per code."""
    complete_n = weighting["complete_responses"]
    complete = attack.term(("sample", "complete"), complete_n, target=False)
    excluded = attack.term(("sample", "excluded"), weighting["excluded_responses"], target=False)
    attack.equal([complete, excluded, (None, -float(report["responses"]))])
    # A table's Kish effective n is at most the complete responses among
    # its valid answers (n_eff <= n), so at most the complete responses.
    tables_neff = [
        table["effective_n"]
        for question in report["questions"]
        for table in question.get("rows") or [question]
        if table.get("effective_n") is not None
    ]
    if tables_neff:
        attack.at_most([(None, float(max(tables_neff))), _negate(complete)])
    deff, neff = weighting["design_effect"], weighting["effective_n"]
    if deff is not None and neff is not None:
        attack.at_most([complete, (None, -(deff + 0.005) * (neff + 0.5))])
        attack.at_most([(None, (deff - 0.005) * (neff - 0.5)), _negate(complete)])
    by_dimension: dict[str, list[Any]] = defaultdict(list)
    for margin in weighting["margins"]:
        share = margin["sample_percent"]
        value = None if share is None or complete_n is None else round(share * complete_n / 100)
        by_dimension[margin["dimension"]].append(
            attack.term(("complete", margin["dimension"], margin["code"]), value)
        )
    for terms in by_dimension.values():
        attack.equal([*terms, _negate(complete)])
    _excluded(attack, weighting, dimension_of, report, excluded)


def _excluded(
    attack: Attack,
    weighting: Mapping[str, Any],
    dimension_of: Mapping[str, Any],
    report: Mapping[str, Any],
    total: tuple[Any, float],
) -> None:
    """The groups left out of the weighting: each at most the excluded
    responses (``total``), together at least them; a category the margins
    lack is its count in the dimension question's table."""
    terms = []
    for group in weighting.get("excluded") or []:
        # Responses without an answer on a dimension (code None) are the
        # responses less the dimension table's valid, published with it:
        # not a count to recover, only an unknown in the relations.
        term = attack.term(
            ("excluded", group["dimension"], group["code"]),
            group["responses"],
            target=group["code"] is not None,
        )
        terms.append(term)
        attack.at_most([term, _negate(total)])
        source = dimension_of.get(group["dimension"])
        if source is None or group["reason"] != "not_in_margins":
            continue
        name = ("count", source, group["code"])
        if name in attack.index:
            attack.equal([term, (name, -1.0)])
        else:
            count = _published_count(report, source, group["code"], missing_ok=True)
            if count is not None:
                attack.equal([term, (None, -float(count))])
    if terms:
        attack.at_most([total, *(_negate(t) for t in terms)])


def _show_if(attack: Attack, report: Mapping[str, Any], survey: Mapping[str, Any]) -> None:
    for page in survey["pages"]:
        for question in page["questions"]:
            condition = question.get("show_if") or {}
            if "equals" not in condition:
                continue
            source, _, row = str(condition["question"]).partition(".")
            code = condition["equals"]
            tid = (source, row or None)
            name = ("count", tid, code)
            value = _published_count(report, tid, code, missing_ok=True)
            shown_of = question["key"]
            first_row = (question.get("rows") or [{}])[0].get("key")
            follow = (shown_of, first_row)
            terms = [
                attack.term(("valid", follow), _published(report, follow, "valid")),
                attack.term(("missing", follow), _published(report, follow, "missing")),
            ]
            if name in attack.index:
                attack.equal([*terms, (name, -1.0)])
            elif value is not None:
                attack.equal([*terms, (None, -float(value))])
            for tab in report["crosstabs"]:
                if (tab["question"], tab.get("row")) != follow:
                    continue
                origin = (source, row or None, tab["dimension"])
                source_tab = next(
                    (
                        t
                        for t in report["crosstabs"]
                        if (t["question"], t.get("row"), t["dimension"]) == origin
                    ),
                    None,
                )
                if source_tab is None:
                    continue
                source_columns = [c["code"] for c in source_tab["columns"]]
                option = next((o for o in source_tab["options"] if o["code"] == code), None)
                if option is None:
                    continue
                for column in tab["columns"]:
                    if column["code"] not in source_columns:
                        continue
                    cell = option["cells"][source_columns.index(column["code"])]
                    attack.at_most(
                        [
                            attack.term(
                                ("col", (*follow, tab["dimension"]), column["code"]),
                                column["valid"],
                            ),
                            _negate(
                                attack.term(("cell", origin, code, column["code"]), cell["count"])
                            ),
                        ]
                    )


def _count_term(attack: Attack, report: Mapping[str, Any], tid: Any, code: Any, kind: str) -> Any:
    name = ("chosen" if kind == "ranking" else "count", tid, code)
    if name in attack.index:
        return (name, 1.0)
    return (None, float(_published_count(report, tid, code)))


def _valid_term(attack: Attack, report: Mapping[str, Any], tid: Any) -> Any:
    name = ("valid", tid)
    if name in attack.index:
        return (name, 1.0)
    return (None, float(_published(report, tid, "valid")))


def _priorities(attack: Attack, report: Mapping[str, Any], survey: Mapping[str, Any]) -> None:
    """A share s % (two decimals) of a published base b pins its count to
    [(s - 0.005) b / 100, (s + 0.005) b / 100]; the base is the slots' valid."""
    hits: dict[tuple[str, str], list[Any]] = defaultdict(list)
    bases: dict[tuple[str, str], list[Any]] = defaultdict(list)
    rows: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for page in survey["pages"]:
        for question in page["questions"]:
            measure = question.get("measure")
            key = question["key"]
            if measure == "priority":
                kind = _kind(question)
                tid = (key, None)
                for option in question.get("options", []):
                    if option.get("phenomenon") and not option.get("missing"):
                        slot = (option["phenomenon"], measure)
                        hits[slot].append(_count_term(attack, report, tid, option["code"], kind))
                        bases[slot].append(_valid_term(attack, report, tid))
                continue
            if measure not in ("concern", "victimisation"):
                continue
            # A row without a phenomenon feeds no indicator (the default
            # survey's road accident row): nothing to attack there.
            slots = [((key, r["key"]), r.get("phenomenon")) for r in question.get("rows", [])]
            if question.get("phenomenon"):
                slots.append(((key, None), question["phenomenon"]))
            for tid, phenomenon in slots:
                if not phenomenon or _table(report, tid) is None:
                    continue
                table = _table(report, tid) or {}
                valid_codes = [o["code"] for o in table.get("options", []) if not o.get("missing")]
                codes = (
                    [c for c in valid_codes if c in set(question.get("concern_codes", []))]
                    if measure == "concern"
                    else valid_codes[:1]
                )
                slot = (phenomenon, measure)
                found = [_count_term(attack, report, tid, c, "categorical") for c in codes]
                hits[slot].extend(found)
                bases[slot].append(_valid_term(attack, report, tid))
                rows[slot].append((found, bases[slot][-1]))
    for row in report["priorities"]:
        for measure in ("concern", "priority", "victimisation"):
            slot = (row["phenomenon"], measure)
            base = row.get("bases", {}).get(measure)
            if slot not in hits or base is None:
                continue
            share = row["indicators"].get(measure)
            if measure == "concern" and len(rows[slot]) > 1:
                _people(attack, slot, rows[slot], float(base), share)
                continue
            attack.equal([*bases[slot], (None, -float(base))])
            if share is None:
                continue
            low = (share - 0.005 - 1e-9) * base / 100
            high = (share + 0.005 + 1e-9) * base / 100
            attack.at_most([*hits[slot], (None, -high)])
            attack.at_most([(None, low), *(_negate(t) for t in hits[slot])])


def _people(
    attack: Attack,
    slot: tuple[str, str],
    rows: list[tuple[list[tuple[Any, float]], tuple[Any, float]]],
    base: float,
    share: float | None,
) -> None:
    """Concern over several rows counts respondents: the base (who answered
    at least one row) is at least each row's valid and at most their sum;
    the concerned (at least one concern code) at least each row's concerned
    and at most their sum, and the share pins them."""
    people = (attack.unknown(("people", slot)), 1.0)
    attack.equal([people, (None, -base)])
    attack.at_most([people, *(_negate(valid) for _hits, valid in rows)])
    concerned = (attack.unknown(("concerned", slot)), 1.0)
    for found, valid in rows:
        attack.at_most([valid, _negate(people)])
        attack.at_most([*found, _negate(concerned)])
    attack.at_most([concerned, *(_negate(t) for found, _valid in rows for t in found)])
    if share is not None:
        attack.at_most([concerned, (None, -(share + 0.005 + 1e-9) * base / 100)])
        attack.at_most([(None, (share - 0.005 - 1e-9) * base / 100), _negate(concerned)])


def _negate(term: tuple[Any, float]) -> tuple[Any, float]:
    name, value = term
    return (name, -value)


def _table(report: Mapping[str, Any], tid: Any) -> Mapping[str, Any] | None:
    key, row = tid
    for entry in report["questions"]:
        if entry["key"] != key:
            continue
        if row is None:
            return entry
        if row == "bands":
            return {"options": entry.get("bands") or [], "valid": entry.get("valid")}
        return next((r for r in entry.get("rows", []) if r["key"] == row), None)
    return None


def _published(report: Mapping[str, Any], tid: Any, name: str) -> Any:
    table = _table(report, tid)
    return None if table is None else table.get(name)


def _published_count(
    report: Mapping[str, Any], tid: Any, code: Any, *, missing_ok: bool = False
) -> Any:
    table = _table(report, tid)
    if table is None:
        if missing_ok:
            return None
        raise KeyError(tid)
    for option in table.get("options") or []:
        if option["code"] == code:
            return option.get("chosen_count", option.get("count"))
    return None


def recoverable(
    report: Mapping[str, Any], threshold: int, survey: Mapping[str, Any] | None = None
) -> dict[Any, tuple[float, float]]:
    """Every suppressed count the published figures pin to an interval
    narrower than ``threshold`` (name -> (low, high))."""
    attack = attack_report(report, survey)
    upper = float(report["responses"])
    return {
        name: interval
        for name, interval in attack.intervals(upper).items()
        if interval[1] - interval[0] < threshold
    }


WEIGHTED_KEYS = ("weighted_percent", "weighted_ci95", "estimate", "estimate_ci95")


def weighted_beside_hidden(report: Mapping[str, Any]) -> list[str]:
    """Every weighted figure (or its Kish n) published where the unweighted
    count it estimates is hidden: a weighted share next to a hidden count
    gives the count back within a few (share x the weighted base, the
    weights being close to 1), so the rule is the same for both. Empty when
    none is."""
    leaks: list[str] = []

    def options_table(where: str, table: Mapping[str, Any]) -> None:
        base_hidden = table.get("valid") is None
        if base_hidden and table.get("effective_n") is not None:
            leaks.append(f"{where}: effective_n beside a hidden valid")
        for option in table.get("options") or table.get("bands") or []:
            hidden = option.get("suppressed") or base_hidden
            shown = [k for k in WEIGHTED_KEYS if k in option and option[k] is not None]
            if hidden and shown:
                leaks.append(f"{where} option {option['code']}: {shown}")

    for question in report["questions"]:
        where = question["key"]
        if question.get("rows"):
            for row in question["rows"]:
                options_table(f"{where}.{row['key']}", row)
        elif question.get("type") == "number":
            if question.get("valid") is None and question.get("effective_n") is not None:
                leaks.append(f"{where}: effective_n beside a hidden valid")
            if question.get("suppressed"):
                for key in ("weighted_mean", "weighted_median", "weighted_ci95", "estimate_mean"):
                    if question.get(key) is not None:
                        leaks.append(f"{where}: {key} of a hidden summary")
            if question.get("bands"):
                options_table(f"{where}.bands", {**question, "options": question["bands"]})
        elif "options" in question:
            options_table(where, question)
    for tab in report["crosstabs"]:
        where = f"{tab['question']}.{tab.get('row')} x {tab['dimension']}"
        hidden_columns = [c["suppressed"] for c in tab["columns"]]
        for option in tab["options"]:
            for cell, column_hidden in zip(option["cells"], hidden_columns, strict=True):
                if (cell["suppressed"] or column_hidden) and (
                    cell.get("weighted_percent") is not None or cell.get("estimate") is not None
                ):
                    leaks.append(f"{where} option {option['code']}: a weighted cell shown")
    for row in report["priorities"]:
        for name in row.get("suppressed_indicators") or []:
            for key in ("indicators", "weighted_indicators", "estimate_indicators"):
                if (row.get(key) or {}).get(name) is not None:
                    leaks.append(f"priority {row['phenomenon']}: {key}.{name} of a hidden count")
        for name in row.get("effective_bases") or {}:
            if name not in (row.get("bases") or {}):
                leaks.append(f"priority {row['phenomenon']}: effective base of a hidden base")
    return leaks
