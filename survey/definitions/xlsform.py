"""Survey definitions as XLSForm workbooks (https://xlsform.org), so that
analysts can write a survey in a spreadsheet and reuse Kobo or ODK forms.

Export writes the sheets ``survey``, ``choices`` and ``settings`` (plus a
``phenomena`` sheet, which ODK tools ignore): pages are groups
(``begin_group``/``end_group``), questions are ``select_one``,
``select_multiple``, ``rank``, ``integer``/``decimal``, ``text`` or
``date`` rows with ``label::Nederlands (nl)`` columns per language, and
``show_if`` is written as ``relevant``. What XLSForm has no column for
(measures, dimensions, bands, matrix rows, scales, ...) goes into the
``zvp`` column as JSON, so that export -> import gives the same
definition.

Import reads such a workbook, or one written by hand: groups become pages
(questions outside a group go on one page), ``relevant`` becomes
``show_if`` where it is in the subset that maps (``${q} = 1``,
``${q} != 1``, ``selected(${q}, 'x')``, ``${q} != ''``, ``not(...)``,
``and``, ``or``, brackets), ``. >= a and . <= b`` constraints become
``min``/``max``; choice names that are not whole numbers get codes 1, 2, ...
in list order. What does not map is listed per row and nothing is
imported; the result goes through the survey file validator like any file.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from survey.i18n import LANGUAGE_NAMES
from survey.privacy.spreadsheets import read_xlsx, xlsx_workbook

MAX_XLSFORM_BYTES = 5 * 1024 * 1024
_LANG_COLUMN = re.compile(
    r"^(label|hint)(?:::(?:.*\((?P<code>[a-z]{2})\)|(?P<bare>[a-z]{2})))?$", re.I
)
_EXPORT_TYPES = {
    "single": "select_one",
    "scale": "select_one",
    "multiple": "select_multiple",
    "ranking": "rank",
    "text": "text",
    "date": "date",
}
_IMPORT_TYPES = {
    "select_one": "single",
    "select_multiple": "multiple",
    "rank": "ranking",
    "integer": "number",
    "decimal": "number",
    "text": "text",
    "date": "date",
}
# Keys written in their own column, or as the row itself.
_OWN_COLUMNS = {"key", "type", "text", "help", "required", "show_if", "options"}


class XlsFormRefused(Exception):
    """The workbook cannot be imported; ``problems`` says where and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


# --- export ----------------------------------------------------------------------


def _lang_header(kind: str, lang: str) -> str:
    return f"{kind}::{LANGUAGE_NAMES.get(lang, lang)} ({lang})"


def _yes_no(value: Any) -> str:
    return "" if value is None else ("yes" if value else "no")


def _relevant(condition: Any, types: dict[str, str]) -> str:
    """``show_if`` as an XLSForm ``relevant`` expression."""
    if "all" in condition or "any" in condition:
        joiner = " and " if "all" in condition else " or "
        parts = condition.get("all", condition.get("any"))
        return "(" + joiner.join(_relevant(part, types) for part in parts) + ")"
    if "not" in condition:
        return f"not({_relevant(condition['not'], types)})"
    ref = f"${{{condition['question']}}}"
    multiple = types.get(str(condition["question"]).partition(".")[0]) == "multiple"
    if "answered" in condition:
        test = f"{ref} != ''"
        return test if condition["answered"] else f"not({test})"
    values = [condition["equals"]] if "equals" in condition else list(condition["in"])
    tests = [f"selected({ref}, '{v}')" if multiple else f"{ref} = {v}" for v in values]
    return tests[0] if len(tests) == 1 else "(" + " or ".join(tests) + ")"


def to_xlsform(definition: dict[str, Any]) -> bytes:
    """The survey as an XLSForm workbook (.xlsx bytes)."""
    languages = [str(lang) for lang in definition.get("languages", ["nl"])]
    survey: list[list[Any]] = []
    survey.append(
        ["type", "name"]
        + [_lang_header("label", lang) for lang in languages]
        + [_lang_header("hint", lang) for lang in languages]
        + ["required", "relevant", "constraint", "appearance", "zvp"]
    )
    choices: list[list[Any]] = []
    choices.append(
        ["list_name", "name"]
        + [_lang_header("label", lang) for lang in languages]
        + ["missing", "phenomenon", "exclusive", "fixed"]
    )

    def texts(value: Any) -> list[str]:
        return [(value or {}).get(lang, "") for lang in languages]

    def add_list(name: str, options: list[dict[str, Any]]) -> None:
        for option in options:
            choices.append(
                [
                    name,
                    option["code"],
                    *texts(option.get("label")),
                    _yes_no(option.get("missing")),
                    option.get("phenomenon", ""),
                    _yes_no(option.get("exclusive")),
                    _yes_no(option.get("fixed")),
                ]
            )

    for name, options in (definition.get("scales") or {}).items():
        add_list(name, options)
    types = {
        str(q["key"]): str(q["type"]) for p in definition.get("pages", []) for q in p["questions"]
    }
    for page in definition.get("pages", []):
        survey.append(
            [
                "begin_group",
                page["key"],
                *texts(page.get("title")),
                *texts(None),
                *["", "", "", "field-list", ""],
            ]
        )
        for spec in page["questions"]:
            survey.append(_question_row(spec, types, texts, add_list))
        survey.append(["end_group", page["key"]])

    settings: list[list[Any]] = []
    header = ["form_id", "form_title", "default_language", "consultation", "audience", "access"]
    header += ["zvp_scales"]
    header += [_lang_header("title", lang) for lang in languages]
    header += [_lang_header("intro", lang) for lang in languages]
    header += [_lang_header("closing", lang) for lang in languages]
    settings.append(header)
    settings.append(
        [
            definition["key"],
            texts(definition.get("title"))[0],
            f"{LANGUAGE_NAMES.get(languages[0], languages[0])} ({languages[0]})",
            definition["consultation"],
            definition["audience"],
            definition["access"],
            ",".join(definition.get("scales") or {}),
            *texts(definition.get("title")),
            *texts(definition.get("intro")),
            *texts(definition.get("closing")),
        ]
    )
    phenomena: list[list[Any]] = []
    phenomena.append(
        ["key", *[_lang_header("label", lang) for lang in languages], "federal_priority"]
    )
    for item in definition.get("phenomena") or []:
        phenomena.append(
            [item["key"], *texts(item.get("label")), _yes_no(item.get("federal_priority"))]
        )
    out = io.BytesIO()
    # Through the neutraliser's workbook: every text is a string cell,
    # never a formula, whatever a label says.
    book = xlsx_workbook(out, {"in_memory": True})
    for name, rows in (
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
        ("phenomena", phenomena),
    ):
        sheet = book.add_worksheet(name)
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
    book.close()
    return out.getvalue()


def _question_row(
    spec: dict[str, Any], types: dict[str, str], texts: Any, add_list: Any
) -> list[Any]:
    qtype = str(spec["type"])
    key = str(spec["key"])
    extra = {k: v for k, v in spec.items() if k not in _OWN_COLUMNS}
    if qtype == "number":
        kind = "decimal" if spec.get("decimals") else "integer"
    elif qtype == "matrix":
        kind = "select_one"
    else:
        kind = _EXPORT_TYPES.get(qtype, "text")
    list_name = ""
    if "options" in spec:
        list_name = f"q_{key}"
        add_list(list_name, spec["options"])
    elif "scale" in spec:
        list_name = str(spec["scale"])
    if list_name:
        kind = f"{kind} {list_name}"
    if _EXPORT_TYPES.get(qtype) is None or qtype in ("scale", "matrix"):
        extra["type"] = qtype  # what the XLSForm type does not say
    relevant = _relevant(spec["show_if"], types) if "show_if" in spec else ""
    if "show_if" in spec and _parse_relevant(relevant, {}) != spec["show_if"]:
        extra["show_if"] = spec["show_if"]  # written exactly, beside the readable form
    constraint = ""
    if qtype == "number":
        constraint = " and ".join(
            f". {op} {spec[name]}" for name, op in (("min", ">="), ("max", "<=")) if name in spec
        )
    return [
        kind,
        key,
        *texts(spec.get("text")),
        *texts(spec.get("help")),
        _yes_no(spec.get("required")),
        relevant,
        constraint,
        "likert" if qtype == "scale" else "",
        json.dumps(extra, ensure_ascii=False) if extra else "",
    ]


# --- import ------------------------------------------------------------------------


@dataclass
class _Sheet:
    """A sheet's rows as dicts by lower-case header, with their row numbers."""

    header: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _read(rows: list[tuple[Any, ...]] | None) -> _Sheet:
    if not rows:
        return _Sheet([])
    header = [str(cell).strip() if cell is not None else "" for cell in rows[0]]
    result = _Sheet(header)
    for number, row in enumerate(rows[1:], start=2):
        values = {header[i]: cell for i, cell in enumerate(row) if i < len(header) and header[i]}
        if any(v not in (None, "") for v in values.values()):
            result.rows.append((number, values))
    return result


def _cell(row: dict[str, Any], name: str) -> str:
    for key, value in row.items():
        if key.lower() == name:
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # a code typed as 1 that the sheet keeps as 1.0
            return "" if value is None else str(value).strip()
    return ""


def _language_columns(header: list[str], kind: str, default: str) -> dict[str, str]:
    """Column -> language code of the ``label``/``hint`` columns."""
    found: dict[str, str] = {}
    for column in header:
        match = _LANG_COLUMN.match(column)
        if match and match.group(1).lower() == kind:
            found[column] = (match.group("code") or match.group("bare") or default).lower()
    return found


def _texts(row: dict[str, Any], columns: dict[str, str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for column, lang in columns.items():
        value = row.get(column)
        if value not in (None, ""):
            texts[lang] = str(value)
    return texts


def _flag(value: str) -> bool | None:
    lowered = value.lower()
    if lowered in ("yes", "true", "true()", "1", "ja"):
        return True
    if lowered in ("no", "false", "false()", "0", "nee"):
        return False
    return None


def from_xlsform(data: bytes) -> dict[str, Any]:
    """A survey definition from an XLSForm workbook; ``XlsFormRefused`` with
    every problem (sheet and row) when a part does not map. The result is
    still to be validated (``validate_definition``) as any survey file."""
    if len(data) > MAX_XLSFORM_BYTES:
        raise XlsFormRefused(
            [_("The workbook is larger than %(mb)s MB.", mb=MAX_XLSFORM_BYTES // 1024 // 1024)]
        )
    try:
        sheets = {name.lower(): rows for name, rows in read_xlsx(data).items()}
    except ValueError as exc:
        raise XlsFormRefused([_("This is not an Excel workbook (.xlsx).")]) from exc
    if "survey" not in sheets:
        raise XlsFormRefused([_("The workbook has no sheet called survey.")])
    reader = _Importer(
        _read(sheets["survey"]),
        _read(sheets.get("choices")),
        _read(sheets.get("settings")),
        _read(sheets.get("phenomena")),
    )
    definition = reader.run()
    if reader.problems:
        raise XlsFormRefused(reader.problems)
    return definition


class _Importer:
    def __init__(
        self, survey: _Sheet, choices: _Sheet, settings: _Sheet, phenomena: _Sheet
    ) -> None:
        self.survey, self.choices, self.settings, self.phenomena = (
            survey,
            choices,
            settings,
            phenomena,
        )
        self.problems: list[str] = []
        first = settings.rows[0][1] if settings.rows else {}
        self.setting = first
        default = _cell(first, "default_language")
        match = re.search(r"\(([a-z]{2})\)", default) or re.fullmatch(r"([a-z]{2})", default)
        self.default = match.group(1) if match else "nl"
        self.labels = _language_columns(survey.header, "label", self.default)
        self.hints = _language_columns(survey.header, "hint", self.default)
        self.choice_labels = _language_columns(choices.header, "label", self.default)
        self.lists: dict[str, list[dict[str, Any]]] = {}
        self.names: dict[str, dict[str, int]] = {}  # list -> choice name -> code
        self._lists_of: dict[str, str] = {}  # question -> its choice list

    def problem(self, sheet: str, row: int, message: str) -> None:
        self.problems.append(
            _("Sheet %(sheet)s, row %(row)s: %(message)s", sheet=sheet, row=row, message=message)
        )

    def languages(self) -> list[str]:
        ordered = [self.default]
        for lang in [*self.labels.values(), *self.choice_labels.values()]:
            if lang not in ordered:
                ordered.append(lang)
        return ordered

    def read_choices(self) -> None:
        by_list: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for number, row in self.choices.rows:
            by_list.setdefault(_cell(row, "list_name") or _cell(row, "list name"), []).append(
                (number, row)
            )
        for name, rows in by_list.items():
            raw_names = [_cell(row, "name") for _n, row in rows]
            numeric = all(re.fullmatch(r"-?\d{1,6}", n) for n in raw_names)
            options: list[dict[str, Any]] = []
            self.names[name] = {}
            for index, (number, row) in enumerate(rows, start=1):
                code = int(raw_names[index - 1]) if numeric else index
                self.names[name][raw_names[index - 1]] = code
                option: dict[str, Any] = {"code": code, "label": _texts(row, self.choice_labels)}
                for flag in ("missing", "exclusive", "fixed"):
                    value = _flag(_cell(row, flag))
                    if value is not None:
                        option[flag] = value
                if _cell(row, "phenomenon"):
                    option["phenomenon"] = _cell(row, "phenomenon")
                if not option["label"]:
                    self.problem(
                        "choices",
                        number,
                        _("the choice '%(name)s' has no label", name=raw_names[index - 1]),
                    )
                options.append(option)
            self.lists[name] = options

    def run(self) -> dict[str, Any]:
        self.read_choices()
        pages: list[dict[str, Any]] = []
        current: dict[str, Any] | None = None
        used_scales: dict[str, list[dict[str, Any]]] = {}
        types: dict[str, str] = {}
        for number, row in self.survey.rows:
            kind, _sep, list_name = _cell(row, "type").partition(" ")
            kind, list_name = kind.lower(), list_name.strip()
            name = _cell(row, "name")
            if kind in ("begin_group", "begin group"):
                if current is not None:
                    self.problem(
                        "survey", number, _("a group inside a group does not map to a page")
                    )
                    continue
                current = {
                    "key": name.lower().replace(".", "_"),
                    "title": _texts(row, self.labels) or {self.default: name},
                    "questions": [],
                }
                pages.append(current)
                continue
            if kind in ("end_group", "end group"):
                current = None
                continue
            if kind in ("start", "end", "today", "deviceid", "username", "audit"):
                continue  # metadata ODK collects by itself: nothing to ask
            spec = self.question(number, row, kind, list_name, name, types, used_scales)
            if spec is None:
                continue
            types[spec["key"]] = spec["type"]
            if current is None:
                if not pages or pages[-1].get("_loose") is not True:
                    pages.append(
                        {
                            "key": f"pagina-{len(pages) + 1}",
                            "title": {self.default: f"Pagina {len(pages) + 1}"},
                            "questions": [],
                            "_loose": True,
                        }
                    )
                pages[-1]["questions"].append(spec)
            else:
                current["questions"].append(spec)
        for page in pages:
            page.pop("_loose", None)
        return self.top(pages, used_scales)

    def question(
        self,
        number: int,
        row: dict[str, Any],
        kind: str,
        list_name: str,
        name: str,
        types: dict[str, str],
        used_scales: dict[str, list[dict[str, Any]]],
    ) -> dict[str, Any] | None:
        """One question row; None (and a problem) when it does not map."""
        extra = self.settings_column(number, row)
        qtype = extra.pop("type", None) if extra is not None else None
        qtype = qtype or _IMPORT_TYPES.get(kind)
        if extra is None or qtype is None:
            if extra is not None:
                self.problem(
                    "survey",
                    number,
                    _("the type '%(type)s' does not map to a question of this platform", type=kind),
                )
            return None
        spec: dict[str, Any] = {"key": name, "type": qtype, "text": _texts(row, self.labels)}
        hint = _texts(row, self.hints)
        if hint:
            spec["help"] = hint
        required = _flag(_cell(row, "required"))
        if required is not None:
            spec["required"] = required
        if kind in ("select_one", "select_multiple", "rank") and not self.choices_into(
            spec, number, list_name, "scale" in extra, used_scales
        ):
            return None
        if kind == "decimal" and "decimals" not in extra:
            spec["decimals"] = 2
        if kind in ("integer", "decimal") and "min" not in extra and "max" not in extra:
            spec.update(self.limits(number, _cell(row, "constraint")))
        if kind == "rank" and "choose" not in extra:
            spec["choose"] = len(self.lists.get(list_name, [])) or 1
        relevant = _cell(row, "relevant")
        if "show_if" not in extra and relevant:
            names = {k: self.names.get(v, {}) for k, v in self._lists_of.items()}
            condition = _parse_relevant(relevant, names)
            if condition is None:
                self.problem(
                    "survey",
                    number,
                    _(
                        "the relevant expression '%(expression)s' does not map to a condition",
                        expression=relevant,
                    ),
                )
            else:
                spec["show_if"] = condition
        spec.update(extra)
        if list_name:
            self._lists_of[name] = list_name
        return spec

    def settings_column(self, number: int, row: dict[str, Any]) -> dict[str, Any] | None:
        """The settings in the ``zvp`` column (none when it is empty); None
        (and a problem) when it is no JSON mapping."""
        raw = _cell(row, "zvp")
        if not raw:
            return {}
        try:
            extra = json.loads(raw)
        except ValueError:
            extra = None
        if not isinstance(extra, dict):
            self.problem("survey", number, _("the zvp column is no JSON mapping"))
            return None
        return extra

    def choices_into(
        self,
        spec: dict[str, Any],
        number: int,
        list_name: str,
        is_scale: bool,
        used_scales: dict[str, list[dict[str, Any]]],
    ) -> bool:
        """The options of a choice question from its list (a named scale
        when the ``zvp`` column says so); False when there is no such list."""
        if list_name not in self.lists:
            self.problem(
                "survey",
                number,
                _("the choice list '%(name)s' is not on the choices sheet", name=list_name),
            )
            return False
        if is_scale:
            used_scales[list_name] = self.lists[list_name]
        else:
            spec["options"] = [dict(o) for o in self.lists[list_name]]
        return True

    def limits(self, number: int, constraint: str) -> dict[str, Any]:
        if not constraint:
            return {}
        found: dict[str, Any] = {}
        for part in re.split(r"\s+and\s+", constraint.strip()):
            match = re.fullmatch(r"\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)", part.strip())
            if not match:
                self.problem(
                    "survey",
                    number,
                    _(
                        "the constraint '%(expression)s' does not map to limits",
                        expression=constraint,
                    ),
                )
                return {}
            value = float(match.group(2))
            found["min" if match.group(1) == ">=" else "max"] = (
                int(value) if value.is_integer() else value
            )
        return found

    def top(
        self, pages: list[dict[str, Any]], scales: dict[str, list[dict[str, Any]]]
    ) -> dict[str, Any]:
        setting = self.setting
        languages = self.languages()
        titles = {
            c: lang
            for c, lang in ((c, self._setting_lang(c, "title")) for c in self.settings.header)
            if lang
        }
        title = _texts(setting, titles) or {self.default: _cell(setting, "form_title") or "XLSForm"}
        definition: dict[str, Any] = {
            "format": 1,
            "key": (_cell(setting, "form_id") or "xlsform").lower().replace("_", "-"),
            "consultation": _cell(setting, "consultation") or "xlsform",
            "audience": _cell(setting, "audience") or "citizen",
            "access": _cell(setting, "access") or "open",
            "languages": languages,
            "title": title,
        }
        for name in ("intro", "closing"):
            columns = {
                c: lang
                for c, lang in ((c, self._setting_lang(c, name)) for c in self.settings.header)
                if lang
            }
            texts = _texts(setting, columns)
            if texts:
                definition[name] = texts
        phenomena = []
        labels = _language_columns(self.phenomena.header, "label", self.default)
        for _number, row in self.phenomena.rows:
            item: dict[str, Any] = {"key": _cell(row, "key"), "label": _texts(row, labels)}
            federal = _flag(_cell(row, "federal_priority"))
            if federal is not None:
                item["federal_priority"] = federal
            phenomena.append(item)
        if phenomena:
            definition["phenomena"] = phenomena
        for name in filter(None, (n.strip() for n in _cell(setting, "zvp_scales").split(","))):
            if name in self.lists:
                scales.setdefault(name, self.lists[name])
        if scales:
            definition["scales"] = scales
        definition["pages"] = pages
        return definition

    @staticmethod
    def _setting_lang(column: str, kind: str) -> str | None:
        match = re.fullmatch(rf"{kind}::.*\(([a-z]{{2}})\)", column)
        return match.group(1) if match else None


# --- relevant -> show_if ------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[a-z0-9_.]+\})|(?P<str>'[^']*'|\"[^\"]*\")|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<op>!=|=)|(?P<word>and|or|not|selected)|(?P<punct>[(),]))",
    re.I,
)


def _tokens(text: str) -> list[tuple[str, str]] | None:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if not text[position:].strip():
            break
        match = _TOKEN.match(text, position)
        if not match:
            return None
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _parse_relevant(text: str, names: dict[str, dict[str, int]]) -> Any:
    """A ``relevant`` expression in the subset that maps to ``show_if``, or
    None. ``names``: per question, the codes of its text choice names."""
    tokens = _tokens(text)
    if tokens is None:
        return None
    parser = _Parser(tokens, names)
    try:
        result = parser.expression()
    except ValueError:
        return None
    return result if parser.at_end() else None


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], names: dict[str, dict[str, int]]) -> None:
        self.tokens, self.names, self.index = tokens, names, 0

    def at_end(self) -> bool:
        return self.index == len(self.tokens)

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.index] if self.index < len(self.tokens) else ("", "")

    def take(self, value: str | None = None, kind: str | None = None) -> str:
        token = self.peek()
        if (value is not None and token[1].lower() != value) or (
            kind is not None and token[0] != kind
        ):
            raise ValueError(token)
        self.index += 1
        return token[1]

    def expression(self) -> Any:
        parts = [self.conjunction()]
        while self.peek()[1].lower() == "or":
            self.take("or")
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else {"any": parts}

    def conjunction(self) -> Any:
        parts = [self.unary()]
        while self.peek()[1].lower() == "and":
            self.take("and")
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else {"all": parts}

    def unary(self) -> Any:
        word = self.peek()[1].lower()
        if word == "not":
            self.take("not")
            self.take("(")
            inner = self.expression()
            self.take(")")
            return {"not": inner}
        if word == "(":
            self.take("(")
            inner = self.expression()
            self.take(")")
            return inner
        if word == "selected":
            self.take("selected")
            self.take("(")
            key = self.reference()
            self.take(",")
            value = self.value(key)
            self.take(")")
            return {"question": key, "equals": value}
        key = self.reference()
        op = self.take(kind="op")
        if self.peek()[0] == "str" and self.peek()[1] in ("''", '""'):
            self.take(kind="str")
            test: dict[str, Any] = {"question": key, "answered": True}
            return test if op == "!=" else {"not": test}
        test = {"question": key, "equals": self.value(key)}
        return test if op == "=" else {"not": test}

    def reference(self) -> str:
        return self.take(kind="ref")[2:-1]

    def value(self, key: str) -> Any:
        kind, raw = self.peek()
        if kind == "num":
            self.take(kind="num")
            number = float(raw)
            return int(number) if number.is_integer() else number
        if kind == "str":
            self.take(kind="str")
            text = raw[1:-1]
            if re.fullmatch(r"-?\d{1,6}", text):
                return int(text)
            codes = self.names.get(key.partition(".")[0], {})
            if text in codes:
                return codes[text]
        raise ValueError(raw)
