"""Validation of a survey file (docs/survey-file.md).

Every problem is reported with its path, a code and its values
(``survey.definitions.problems``), read as one line such as
``pages[0].questions[1].options[2].code: 2 is used twice``; a file with any
problem is refused whole. Validation never raises on a malformed file: a
wrong type anywhere becomes a problem at that path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from survey.definitions.loader import LoadError, load_definition
from survey.definitions.problems import Problem, lines
from survey.i18n import is_language_code
from survey.questions import REGISTRY
from survey.questions.base import QUESTION_KEY_RE, QuestionType, check_code_value

SURVEY_KEY_RE = re.compile(r"[a-z0-9-]{3,64}")
PAGE_KEY_RE = re.compile(r"[a-z0-9_-]{1,64}")
# The languages the editor offers by name; a survey file may declare any
# language code Babel knows (``survey.i18n.is_language_code``).
KNOWN_LANGUAGES = ("nl", "fr", "en", "de")
AUDIENCES = ("citizen", "partner")
ACCESSES = ("open", "invitation", "partner")
TOP_KEYS = frozenset(
    {
        "format",
        "key",
        "consultation",
        "audience",
        "access",
        "languages",
        "title",
        "intro",
        "closing",
        "phenomena",
        "scales",
        "pages",
        "translation_sources",
    }
)
FINGERPRINT_RE = re.compile(r"[0-9a-f]{16}")
MAX_QUESTIONS = 400
MAX_OPTIONS = 200

Earlier = dict[str, tuple[QuestionType | None, list[int], list[str]]]
"""The questions before the one checked: key -> (type, codes, row keys)."""


@dataclass
class Checker:
    """Collects problems while walking a definition. Each problem has its
    path (``pages[0].questions[2].options``), a code and the values its
    message names (``survey.definitions.problems``); ``problems`` gives
    them as lines ``path: message``. The checks return whether the value
    passed, so callers can skip what depends on it. ``languages``,
    ``phenomena``, ``scales`` and ``dimensions`` are filled from the top of
    the file as it is walked."""

    languages: list[str] = field(default_factory=lambda: ["nl"])
    phenomena: set[str] = field(default_factory=set)
    scales: dict[str, list[Any]] = field(default_factory=dict)
    dimensions: set[str] = field(default_factory=set)
    issues: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """The problems found so far as English lines ``path: message``."""
        return lines(self.issues)

    def problem(self, path: str, code: str, **params: Any) -> None:
        """Record the problem ``code`` (a key of ``problems.MESSAGES``) at
        ``path``, with the values its message names."""
        self.issues.append(Problem(path, code, params))

    # --- scalars ---------------------------------------------------------
    def is_mapping(self, value: Any, path: str) -> bool:
        """``value`` must be a mapping."""
        if not isinstance(value, dict):
            self.problem(path, "not_mapping", kind=_kind(value))
            return False
        return True

    def is_list(self, value: Any, path: str, *, non_empty: bool = True) -> bool:
        """``value`` must be a list, and not empty unless ``non_empty`` is off."""
        if not isinstance(value, list):
            self.problem(path, "not_list", kind=_kind(value))
            return False
        if non_empty and not value:
            self.problem(path, "empty")
            return False
        return True

    def unknown_keys(self, value: dict[str, Any], allowed: frozenset[str], path: str) -> None:
        """Every key of ``value`` must be one of ``allowed`` (a misspelt key
        is a problem, never silently ignored)."""
        for key in value:
            if key not in allowed:
                self.problem(f"{path}.{key}" if path else str(key), "unknown_key")

    def integer(
        self, value: Any, path: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> bool:
        """A whole number (true/false is not one), within the bounds given."""
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, "not_whole", kind=_kind(value))
            return False
        if minimum is not None and value < minimum:
            self.problem(path, "below_minimum", minimum=minimum)
            return False
        if maximum is not None and value > maximum:
            self.problem(path, "above_maximum", maximum=maximum)
            return False
        return True

    def number(self, value: Any, path: str) -> bool:
        """A finite number, whole or decimal (true/false is not one)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(path, "not_number", kind=_kind(value))
            return False
        if value != value or value in (float("inf"), float("-inf")):
            self.problem(path, "not_finite")
            return False
        return True

    def boolean(self, value: Any, path: str) -> bool:
        """``true`` or ``false`` (not a 0/1 or a "yes")."""
        if not isinstance(value, bool):
            self.problem(path, "not_boolean", kind=_kind(value))
            return False
        return True

    def identifier(self, value: Any, path: str, pattern: re.Pattern[str] = QUESTION_KEY_RE) -> bool:
        """A key matching ``pattern`` in full (by default a question key)."""
        if not isinstance(value, str) or not pattern.fullmatch(value):
            self.problem(path, "bad_identifier", value=value, pattern=pattern.pattern)
            return False
        return True

    def text(self, value: Any, path: str, *, max_length: int = 5000) -> None:
        """A text: a mapping language -> string, with the first language."""
        if not isinstance(value, dict):
            self.problem(path, "not_text", kind=_kind(value))
            return
        for lang, text in value.items():
            if lang not in self.languages:
                self.problem(f"{path}.{lang}", "foreign_language")
            elif not isinstance(text, str):
                self.problem(f"{path}.{lang}", "text_not_string", kind=_kind(text))
            elif len(text) > max_length:
                self.problem(f"{path}.{lang}", "too_long", limit=max_length)
        first = self.languages[0]
        if not isinstance(value.get(first), str) or not value.get(first, "").strip():
            self.problem(f"{path}.{first}", "first_language_missing")

    # --- options, rows, scales -------------------------------------------
    def option_list(self, options: Any, path: str, *, allow_exclusive: bool = False) -> list[int]:
        """Check a list of at most ``MAX_OPTIONS`` options (``exclusive`` only
        where allowed); return their well-formed codes."""
        if not self.is_list(options, path):
            return []
        if len(options) > MAX_OPTIONS:
            self.problem(path, "too_many_options", limit=MAX_OPTIONS)
            return []
        allowed = frozenset({"code", "label", "missing", "phenomenon", "fixed"})
        if allow_exclusive:
            allowed |= {"exclusive"}
        codes: list[int] = []
        for i, option in enumerate(options):
            opath = f"{path}[{i}]"
            if self.is_mapping(option, opath):
                self._option(option, opath, allowed, codes)
        return codes

    def _option(
        self, option: dict[str, Any], opath: str, allowed: frozenset[str], codes: list[int]
    ) -> None:
        """One option: a unique whole ``code`` (appended to ``codes``) within
        +-999999, a ``label`` of at most 500 characters, true/false flags and
        a known phenomenon."""
        self.unknown_keys(option, allowed, opath)
        if "code" not in option:
            self.problem(f"{opath}.code", "required")
        elif self.integer(option["code"], f"{opath}.code", minimum=-999999, maximum=999999):
            if option["code"] in codes:
                self.problem(f"{opath}.code", "code_used_twice", value=option["code"])
            codes.append(option["code"])
        if "label" not in option:
            self.problem(f"{opath}.label", "required")
        else:
            self.text(option["label"], f"{opath}.label", max_length=500)
        for flag in ("missing", "exclusive", "fixed"):
            if flag in option:
                self.boolean(option[flag], f"{opath}.{flag}")
        if "phenomenon" in option:
            self.phenomenon(option["phenomenon"], f"{opath}.phenomenon")

    def phenomenon(self, value: Any, path: str) -> None:
        """``value`` must be the key of one of the survey's phenomena."""
        if not isinstance(value, str) or value not in self.phenomena:
            self.problem(path, "unknown_phenomenon", value=value)

    def choices(self, spec: dict[str, Any], path: str, *, allow_exclusive: bool = False) -> int:
        """``options`` or ``scale`` (exactly one); returns the option count."""
        has_options, has_scale = "options" in spec, "scale" in spec
        if has_options == has_scale:
            self.problem(path, "options_or_scale")
            return 0
        if has_options:
            return len(
                self.option_list(
                    spec["options"], f"{path}.options", allow_exclusive=allow_exclusive
                )
            )
        name = spec["scale"]
        if not isinstance(name, str) or name not in self.scales:
            self.problem(f"{path}.scale", "unknown_scale", name=name)
            return 0
        return len(self.scales[name])

    def shuffle(self, spec: dict[str, Any], path: str) -> None:
        """``shuffle``: true or false (the options in an order shuffled per
        respondent; ``survey.questions.base.shuffle_options``)."""
        if "shuffle" in spec:
            self.boolean(spec["shuffle"], f"{path}.shuffle")

    def codes_of(self, spec: dict[str, Any]) -> list[int]:
        """The well-formed option codes of a question, its own or its scale's
        (empty when neither is readable: that problem is reported elsewhere)."""
        raw = spec.get("options")
        if raw is None and isinstance(spec.get("scale"), str):
            raw = self.scales.get(spec["scale"], [])
        if not isinstance(raw, list):
            return []
        return [o["code"] for o in raw if isinstance(o, dict) and isinstance(o.get("code"), int)]

    def concern_codes(self, spec: dict[str, Any], path: str) -> None:
        """``concern_codes``: required with ``measure: concern`` and allowed
        only there; a non-empty list of the question's own codes."""
        self.measure_codes(spec, path, "concern")

    def unsafety_codes(self, spec: dict[str, Any], path: str) -> None:
        """``unsafety_codes``: required with ``measure: unsafety`` and
        allowed only there; a non-empty list of the question's own codes."""
        self.measure_codes(spec, path, "unsafety")

    def measure_codes(self, spec: dict[str, Any], path: str, measure: str) -> None:
        """``<measure>_codes`` (the codes a measure counts): required with
        that ``measure`` and allowed only there; a non-empty list of the
        question's own codes."""
        name = f"{measure}_codes"
        if name in spec and spec.get("measure") != measure:
            self.problem(f"{path}.{name}", f"{measure}_only")
            return
        if spec.get("measure") != measure:
            return
        codes = spec.get(name)
        if codes is None:
            self.problem(f"{path}.{name}", f"{measure}_required")
            return
        if not self.is_list(codes, f"{path}.{name}"):
            return
        known = self.codes_of(spec)
        if not known:
            return  # no readable options or scale: that problem is reported already
        for i, code in enumerate(codes):
            if self.integer(code, f"{path}.{name}[{i}]") and code not in known:
                self.problem(f"{path}.{name}[{i}]", "not_one_of_the_codes", value=code)


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


@dataclass
class ValidationResult:
    """The outcome of validating a survey file: the definition when it has
    no problems (else None), and every problem found (``issues``; as
    English lines ``path: message`` in ``problems``)."""

    definition: dict[str, Any] | None
    issues: list[Problem]

    @property
    def problems(self) -> list[str]:
        """The problems as English lines ``path: message``."""
        return lines(self.issues)

    @property
    def ok(self) -> bool:
        """Whether the definition has no problems."""
        return not self.issues


def validate_file(data: bytes | str) -> ValidationResult:
    """Load and validate survey file content."""
    try:
        raw = load_definition(data)
    except LoadError as exc:
        return ValidationResult(None, [Problem("(file)", "unreadable", {"reason": str(exc)})])
    return validate_definition(raw)


def validate_definition(raw: Any) -> ValidationResult:
    """Check a parsed definition against docs/survey-file.md; never raises."""
    checker = Checker()
    if not isinstance(raw, dict):
        checker.problem("(file)", "top_not_mapping", kind=_kind(raw))
        return ValidationResult(None, checker.issues)
    try:
        _check_top(raw, checker)
    except RecursionError:
        checker.problem("(file)", "nested_too_deeply")
    return ValidationResult(raw if not checker.issues else None, checker.issues)


def _check_top(raw: dict[str, Any], c: Checker) -> None:
    c.unknown_keys(raw, TOP_KEYS, "")
    _check_identity(raw, c)
    if "languages" in raw:
        _check_languages(raw["languages"], c)
    for name in ("title", "intro", "closing"):
        if name in raw:
            c.text(raw[name], name, max_length=200 if name == "title" else 10000)

    _check_phenomena(raw.get("phenomena", []), c)
    _check_scales(raw.get("scales", {}), c)
    if "pages" in raw:
        _check_pages(raw["pages"], c)
    if "translation_sources" in raw:
        _check_translation_sources(raw["translation_sources"], c)


def _check_translation_sources(sources: Any, c: Checker) -> None:
    """Text id -> language -> the fingerprint of the reference text the
    translation was made from (16 lower-case hex digits). Only the survey's
    other languages have translations. Ids of texts the survey does not
    have are allowed (and ignored): the record of a text since removed."""
    if not c.is_mapping(sources, "translation_sources"):
        return
    for text_id, marks in sources.items():
        path = f"translation_sources.{text_id}"
        if not isinstance(text_id, str) or len(text_id) > 300:
            c.problem(path, "bad_text_id")
            continue
        if not c.is_mapping(marks, path):
            continue
        for lang, mark in marks.items():
            if lang not in c.languages[1:]:
                c.problem(f"{path}.{lang}", "not_other_language")
            elif not isinstance(mark, str) or not FINGERPRINT_RE.fullmatch(mark):
                c.problem(f"{path}.{lang}", "bad_fingerprint")


def _check_identity(raw: dict[str, Any], c: Checker) -> None:
    """The required top keys, the format, the survey and consultation keys,
    and an audience and access that go together."""
    for required in (
        "format",
        "key",
        "consultation",
        "audience",
        "access",
        "languages",
        "title",
        "pages",
    ):
        if required not in raw:
            c.problem(required, "required")
    if "format" in raw and raw["format"] != 1:
        c.problem("format", "unsupported_format", value=raw["format"])
    if "key" in raw:
        c.identifier(raw["key"], "key", SURVEY_KEY_RE)
    if "consultation" in raw:
        c.identifier(raw["consultation"], "consultation", SURVEY_KEY_RE)
    audience, access = raw.get("audience"), raw.get("access")
    if "audience" in raw and audience not in AUDIENCES:
        c.problem("audience", "not_one_of", value=audience, allowed=", ".join(AUDIENCES))
    if "access" in raw and access not in ACCESSES:
        c.problem("access", "not_one_of", value=access, allowed=", ".join(ACCESSES))
    elif (access == "partner") != (audience == "partner") and audience in AUDIENCES:
        c.problem("access", "partner_access")


def _check_languages(languages: Any, c: Checker) -> None:
    """Language codes (any ISO 639 code Babel knows: ``de``, ``tr``), none
    twice; the good ones become the languages every text is checked against
    (the first one required everywhere)."""
    if not c.is_list(languages, "languages") or not isinstance(languages, list):
        return
    good = [lang for lang in languages if is_language_code(lang)]
    for i, lang in enumerate(languages):
        if not is_language_code(lang):
            c.problem(f"languages[{i}]", "not_language_code", value=lang)
    if len(set(good)) != len(good):
        c.problem("languages", "language_twice")
    if good:
        c.languages = list(dict.fromkeys(good))


def _check_phenomena(phenomena: Any, c: Checker) -> None:
    if not c.is_list(phenomena, "phenomena", non_empty=False):
        return
    for i, item in enumerate(phenomena):
        path = f"phenomena[{i}]"
        if not c.is_mapping(item, path):
            continue
        c.unknown_keys(item, frozenset({"key", "label", "federal_priority"}), path)
        key = item.get("key")
        if c.identifier(key, f"{path}.key"):
            if key in c.phenomena:
                c.problem(f"{path}.key", "key_used_twice", value=key)
            c.phenomena.add(key)
        if "label" not in item:
            c.problem(f"{path}.label", "required")
        else:
            c.text(item["label"], f"{path}.label", max_length=200)
        if "federal_priority" in item:
            c.boolean(item["federal_priority"], f"{path}.federal_priority")


def _check_scales(scales: Any, c: Checker) -> None:
    if not c.is_mapping(scales, "scales"):
        return
    for name, options in scales.items():
        path = f"scales.{name}"
        if not c.identifier(name, path):
            continue
        if c.option_list(options, path):
            c.scales[name] = options


def _check_pages(pages: Any, c: Checker) -> None:
    if not c.is_list(pages, "pages"):
        return
    page_keys: set[str] = set()
    # question key -> (type, codes, row keys); only questions before the
    # current one, so show_if can only look back.
    earlier: Earlier = {}
    total = 0
    for p, page in enumerate(pages):
        ppath = f"pages[{p}]"
        if not c.is_mapping(page, ppath):
            continue
        c.unknown_keys(page, frozenset({"key", "title", "questions", "show_if"}), ppath)
        key = page.get("key")
        if c.identifier(key, f"{ppath}.key", PAGE_KEY_RE):
            if key in page_keys:
                c.problem(f"{ppath}.key", "key_used_twice", value=key)
            page_keys.add(key)
        if "title" not in page:
            c.problem(f"{ppath}.title", "required")
        else:
            c.text(page["title"], f"{ppath}.title", max_length=200)
        if "show_if" in page:
            c.problem(f"{ppath}.show_if", "page_condition")
        questions = page.get("questions")
        if not c.is_list(questions, f"{ppath}.questions"):
            continue
        for q, spec in enumerate(questions):
            qpath = f"{ppath}.questions[{q}]"
            total += 1
            if total > MAX_QUESTIONS:
                c.problem(qpath, "too_many_questions", limit=MAX_QUESTIONS)
                return
            if not c.is_mapping(spec, qpath):
                continue
            _check_question(spec, qpath, c, earlier)


def _check_question(spec: dict[str, Any], path: str, c: Checker, earlier: Earlier) -> None:
    qtype_name = spec.get("type")
    qtype = REGISTRY.get(qtype_name) if isinstance(qtype_name, str) else None
    if qtype is None:
        c.problem(f"{path}.type", "not_one_of", value=qtype_name, allowed=", ".join(REGISTRY))
    else:
        c.unknown_keys(spec, qtype.allowed_keys(), path)
        qtype.validate(spec, path, c)
        measure = spec.get("measure")
        if measure is not None and measure not in qtype.measures:
            allowed = ", ".join(sorted(qtype.measures)) or "none"
            c.problem(f"{path}.measure", "measure_not_possible", measure=measure, allowed=allowed)
    if "text" not in spec:
        c.problem(f"{path}.text", "required")
    else:
        c.text(spec["text"], f"{path}.text", max_length=2000)
    if "help" in spec:
        c.text(spec["help"], f"{path}.help", max_length=2000)
    if "required" in spec:
        c.boolean(spec["required"], f"{path}.required")
    if "show_if" in spec:
        _check_condition(spec["show_if"], f"{path}.show_if", c, earlier, depth=0)
    for dim_path, dimension in (
        (f"{path}.dimension", spec.get("dimension")),
        (
            f"{path}.bands.dimension",
            (spec.get("bands") or {}).get("dimension")
            if isinstance(spec.get("bands"), dict)
            else None,
        ),
    ):
        if isinstance(dimension, str):
            if dimension in c.dimensions:
                c.problem(dim_path, "dimension_used_twice", dimension=dimension)
            c.dimensions.add(dimension)

    key = spec.get("key")
    if isinstance(key, str) and c.identifier(key, f"{path}.key"):
        if key in earlier:
            c.problem(f"{path}.key", "key_used_twice", value=key)
        else:
            raw_rows = spec.get("rows")
            rows = (
                [str(r.get("key")) for r in raw_rows if isinstance(r, dict)]
                if isinstance(raw_rows, list)
                else []
            )
            earlier[key] = (qtype, c.codes_of(spec), rows)


def _check_condition(cond: Any, path: str, c: Checker, earlier: Earlier, depth: int) -> None:
    if depth > 10:
        c.problem(path, "nested_too_deeply")
        return
    if not c.is_mapping(cond, path):
        return
    for combinator in ("all", "any"):
        if combinator in cond:
            c.unknown_keys(cond, frozenset({combinator}), path)
            if c.is_list(cond[combinator], f"{path}.{combinator}"):
                for i, part in enumerate(cond[combinator]):
                    _check_condition(part, f"{path}.{combinator}[{i}]", c, earlier, depth + 1)
            return
    if "not" in cond:
        c.unknown_keys(cond, frozenset({"not"}), path)
        _check_condition(cond["not"], f"{path}.not", c, earlier, depth + 1)
        return
    _check_test(cond, path, c, earlier)


def _check_test(cond: dict[str, Any], path: str, c: Checker, earlier: Earlier) -> None:
    """A condition on one earlier question: exactly one of ``equals``, ``in``
    or ``answered``, with values the question's type can compare with."""
    if "question" not in cond:
        c.problem(path, "condition_shape")
        return
    c.unknown_keys(cond, frozenset({"question", "equals", "in", "answered"}), path)
    tests = [name for name in ("equals", "in", "answered") if name in cond]
    if len(tests) != 1:
        c.problem(path, "condition_tests")
    reference = cond["question"]
    if not isinstance(reference, str):
        c.problem(f"{path}.question", "not_question_key", kind=_kind(reference))
        return
    key = reference.partition(".")[0]
    if not _check_reference(reference, f"{path}.question", c, earlier):
        return
    qtype, codes, _rows = earlier[key]
    wanted: list[Any] = []
    if "equals" in cond:
        wanted = [cond["equals"]]
    elif "in" in cond and c.is_list(cond["in"], f"{path}.in"):
        wanted = list(cond["in"])
    elif "answered" in cond:
        c.boolean(cond["answered"], f"{path}.answered")
    for value in wanted:
        # A question of an unknown type (already a problem) is compared with
        # its codes, as a question with options is.
        if qtype is None:
            check_code_value(value, key, codes, path, c)
        else:
            qtype.check_condition_value(value, key, codes, path, c)


def _check_reference(reference: str, path: str, c: Checker, earlier: Earlier) -> bool:
    """``key`` or ``key.row``: a question before this one (conditions only
    look back) and, for a row, a row of that matrix."""
    key, _, row = reference.partition(".")
    if key not in earlier:
        c.problem(path, "not_earlier", reference=reference)
        return False
    qtype, _codes, rows = earlier[key]
    if row and (qtype is None or not qtype.has_rows):
        c.problem(path, "rows_only_matrix", reference=reference)
        return False
    if row and row not in rows:
        c.problem(path, "not_a_row", reference=reference, row=row, key=key)
        return False
    return True
