"""The editor facet of the question types: Flask-WTF forms of a question's
settings, for the survey editor.

Every type has a form class (``QuestionType.editor``), a subclass of
``QuestionForm`` with the common keys, that adds the fields of its own keys
from the mixins here (options or a scale, rows, concern codes) or its own.
``form_for(spec)`` fills a form from a question's definition and
``form.definition()`` gives the definition back: the same dict, for a
definition in canonical form (a key with its default value, such as
``required: false`` or ``long: false``, is left out, as the editor writes
it).

The form checks what a field's kind can check (a whole number, a
language code); the rules of the survey file (``QuestionType.validate`` and
``survey.definitions.validation``) check the definition it gives.

Multilingual texts are lists of (language, text) entries, so that a form
does not depend on the survey's languages; lists (codes, edges) are typed
as comma-separated values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from typing_extensions import override
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, Regexp, ValidationError

from survey.questions.base import QUESTION_KEY_RE

if TYPE_CHECKING:
    from survey.questions.base import QuestionType

Spec = dict[str, Any]


# --- fields --------------------------------------------------------------------


class LanguageText(Form):  # type: ignore[misc]
    """One language of a text."""

    language = StringField(_l("Language"), validators=[Regexp(r"^[a-z]{2}$")])
    text = TextAreaField(_l("Text"))


def texts_field(label: Any) -> Any:
    """A text in several languages (``{nl: ..., fr: ...}``)."""
    return FieldList(FormField(LanguageText), label=label)


def texts_data(texts: Mapping[str, str] | None) -> list[dict[str, str]]:
    """The entries of a texts field from a ``{language: text}`` mapping, in
    its order (the inverse of ``texts_value``)."""
    return [{"language": lang, "text": text} for lang, text in (texts or {}).items()]


def texts_value(field: Any) -> dict[str, str]:
    """The entries of a texts field as a mapping; empty texts are left out."""
    return {
        entry.form.language.data: entry.form.text.data
        for entry in field
        if entry.form.language.data and entry.form.text.data
    }


class ListField(StringField):  # type: ignore[misc]
    """Numbers typed as a comma-separated list ("3, 4"); whole numbers stay
    whole. ``data`` is a list (empty when nothing was typed)."""

    def __init__(self, *args: Any, whole: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.whole = whole

    def _value(self) -> str:
        return ", ".join(str(v) for v in self.data or [])

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the typed list; one part that is no number refuses the whole
        field (``data`` empty, the message on the field)."""
        self.data = []
        if not valuelist or not valuelist[0].strip():
            return
        for part in valuelist[0].split(","):
            try:
                self.data.append(_number(part, whole=self.whole))
            except ValueError as exc:
                self.data = []
                raise ValueError(self.gettext("Enter numbers separated by commas.")) from exc


class NumberField(StringField):  # type: ignore[misc]
    """A number, whole or with decimals (as the survey file writes it);
    ``data`` is None when empty."""

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the typed number (an integer unless it has a decimal point);
        a text that is no number is a message on the field."""
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = _number(valuelist[0], whole=False)
            except ValueError as exc:
                raise ValueError(self.gettext("Enter a number.")) from exc


def _number(text: str, *, whole: bool) -> int | float:
    text = text.strip()
    if whole:
        return int(text)
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


class JsonField(TextAreaField):  # type: ignore[misc]
    """A nested setting (a ``show_if`` condition) written as JSON."""

    def _value(self) -> str:
        return "" if self.data is None else json.dumps(self.data, ensure_ascii=False)

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse the JSON (empty: no condition); what the condition says is
        checked later, with the whole survey."""
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = json.loads(valuelist[0])
            except ValueError as exc:
                raise ValueError(self.gettext("Write the condition as JSON.")) from exc


def put_setting(spec: Spec, key: str, value: Any) -> None:
    """Set ``key`` unless the value is empty (the key's default)."""
    if value is not None and value != "" and value != [] and value != {} and value is not False:
        spec[key] = value


# --- the common keys -------------------------------------------------------------


class QuestionForm(FlaskForm):  # type: ignore[misc]
    """The common keys of every question (``COMMON_KEYS``). A type's form
    adds its own keys: ``fill`` puts them into the fields, ``settings``
    reads them back (mixins chain both through ``super()``)."""

    key = StringField(_l("Key"), validators=[Regexp(f"^{QUESTION_KEY_RE.pattern}$")])
    text = texts_field(_l("Question"))
    help = texts_field(_l("Help text"))
    required = BooleanField(_l("An answer is required"))
    show_if = JsonField(_l("Shown only if"), validators=[Optional()])
    measure = SelectField(_l("Feeds the priority report as"), validate_choice=True)

    def __init__(self, *args: Any, qtype: QuestionType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.qtype = qtype
        self.measure.choices = [SelectChoice("", _l("nothing"))] + [
            SelectChoice(name, name) for name in sorted(qtype.measures)
        ]

    @classmethod
    def fill(cls, spec: Spec) -> Spec:
        """The data of the form's fields from the question's definition."""
        return {
            "key": spec.get("key", ""),
            "text": texts_data(spec.get("text")),
            "help": texts_data(spec.get("help")),
            "required": bool(spec.get("required", False)),
            "show_if": spec.get("show_if"),
            "measure": spec.get("measure") or "",
        }

    def settings(self, spec: Spec) -> None:
        """Add the type's own keys to ``spec`` from its fields."""

    def definition(self) -> Spec:
        """The question's definition as the form holds it."""
        spec: Spec = {"key": self.key.data, "type": self.qtype.name}
        put_setting(spec, "text", texts_value(self.text))
        put_setting(spec, "help", texts_value(self.help))
        put_setting(spec, "required", bool(self.required.data))
        put_setting(spec, "show_if", self.show_if.data)
        put_setting(spec, "measure", self.measure.data)
        self.settings(spec)
        return spec


def form_for(qtype: QuestionType, spec: Spec, formdata: Any = None, **kwargs: Any) -> QuestionForm:
    """The type's editor form filled from ``spec`` (and ``formdata`` when
    posted); ``kwargs`` go to the form (e.g. ``meta``)."""
    form_class = qtype.editor
    return form_class(formdata=formdata, data=form_class.fill(spec), qtype=qtype, **kwargs)


# --- pieces the types share --------------------------------------------------------


class OptionForm(Form):  # type: ignore[misc]
    """One answer option."""

    # Optional: the editor's empty "add an option" line posts no code.
    code = IntegerField(_l("Code"), validators=[Optional()])
    label = texts_field(_l("Label"))
    missing = BooleanField(_l("Not in the percentage base (don't know, no answer)"))
    phenomenon = StringField(_l("Phenomenon"))
    exclusive = BooleanField(_l("Cannot be combined with other options"))
    fixed = BooleanField(_l("Keeps its place when a question shuffles its options"))


def options_data(options: list[Any]) -> list[Spec]:
    """The entries of an options field (``OptionForm``) from a list of
    options of the survey file."""
    return [
        {
            "code": o.get("code"),
            "label": texts_data(o.get("label")),
            "missing": bool(o.get("missing", False)),
            "phenomenon": o.get("phenomenon", ""),
            "exclusive": bool(o.get("exclusive", False)),
            "fixed": bool(o.get("fixed", False)),
        }
        for o in options
        if isinstance(o, dict)
    ]


def options_value(field: Any) -> list[Spec]:
    """The options of an options field as the survey file writes them (a
    form without ``exclusive``, a scale's, writes none)."""
    options = []
    for entry in field:
        form = entry.form
        option: Spec = {"code": form.code.data, "label": texts_value(form.label)}
        put_setting(option, "missing", bool(form.missing.data))
        put_setting(option, "phenomenon", (form.phenomenon.data or "").strip())
        if "exclusive" in form:
            put_setting(option, "exclusive", bool(form.exclusive.data))
        put_setting(option, "fixed", bool(form.fixed.data))
        options.append(option)
    return options


class RowForm(Form):  # type: ignore[misc]
    """One row of a matrix."""

    key = StringField(_l("Key"))
    label = texts_field(_l("Label"))
    phenomenon = StringField(_l("Phenomenon"))


class ChoicesForm(QuestionForm):
    """``options``, or ``scale``: the name of a scale of the survey."""

    scale = StringField(_l("Scale"))
    options = FieldList(FormField(OptionForm), label=_l("Options"))

    def validate_scale(self, field: Field) -> None:
        """A question takes its options from a scale or lists them, not both."""
        if field.data and any(entry.form.code.data is not None for entry in self.options):
            raise ValidationError(_l("Give either a scale or options, not both."))

    @classmethod
    @override
    def fill(cls, spec: Spec) -> Spec:
        options = options_data(spec.get("options") or [])
        return {**super().fill(spec), "scale": spec.get("scale", ""), "options": options}

    @override
    def settings(self, spec: Spec) -> None:
        super().settings(spec)
        if self.scale.data:
            spec["scale"] = self.scale.data
            return
        spec["options"] = options_value(self.options)


class ShuffleForm(QuestionForm):
    """``shuffle``: the options in an order shuffled per respondent. The
    box shows the type's default when the file does not say (a ranking
    shuffles unless told not to); only a choice that differs from the
    default is written. A type that never shuffles has no box."""

    shuffle = BooleanField(_l("Shuffle the options for each respondent"))

    def __init__(self, *args: Any, qtype: QuestionType, **kwargs: Any) -> None:
        data = kwargs.get("data")
        if isinstance(data, dict) and data.get("shuffle") is None:
            data["shuffle"] = bool(qtype.shuffle_default)
        super().__init__(*args, qtype=qtype, **kwargs)
        if qtype.shuffle_default is None:
            delattr(self, "shuffle")

    @classmethod
    @override
    def fill(cls, spec: Spec) -> Spec:
        return {**super().fill(spec), "shuffle": spec.get("shuffle")}

    @override
    def settings(self, spec: Spec) -> None:
        super().settings(spec)
        default = self.qtype.shuffle_default
        if default is not None and bool(self.shuffle.data) != default:
            spec["shuffle"] = bool(self.shuffle.data)


class ConcernForm(QuestionForm):
    """``concern_codes``: the codes that count as "a problem"."""

    concern_codes = ListField(_l("Codes that count as a problem"))

    @classmethod
    @override
    def fill(cls, spec: Spec) -> Spec:
        return {**super().fill(spec), "concern_codes": list(spec.get("concern_codes") or [])}

    @override
    def settings(self, spec: Spec) -> None:
        super().settings(spec)
        put_setting(spec, "concern_codes", self.concern_codes.data)


class UnsafetyForm(QuestionForm):
    """``unsafety_codes``: the codes that count as feeling unsafe."""

    unsafety_codes = ListField(_l("Codes that count as feeling unsafe"))

    @classmethod
    @override
    def fill(cls, spec: Spec) -> Spec:
        return {**super().fill(spec), "unsafety_codes": list(spec.get("unsafety_codes") or [])}

    @override
    def settings(self, spec: Spec) -> None:
        super().settings(spec)
        put_setting(spec, "unsafety_codes", self.unsafety_codes.data)
