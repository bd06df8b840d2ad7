"""The forms of the survey editor and of new surveys (templates, copies):
what each posts, read and checked by Flask-WTF (CSRF included).

The forms of a question's own settings are the question types' (see
``survey.questions.editor``); these are the forms around them. A form checks
a field's shape; the rules of a survey file are the validator's, applied to
the definition an edit gives (``survey.definitions.editing``).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from survey.definitions.editing import without_blank_items
from survey.definitions.templates import TEMPLATES
from survey.definitions.validation import ACCESSES, KNOWN_LANGUAGES
from survey.i18n import is_language_code, language_name
from survey.questions import REGISTRY
from survey.questions.editor import (
    OptionForm,
    options_data,
    options_value,
    texts_data,
    texts_field,
)

ACCESS_CHOICES = {
    "open": _l("open link"),
    "invitation": _l("letter with code"),
    "partner": _l("personal link"),
}


def texts_for(texts: dict[str, str] | None, languages: list[str]) -> list[dict[str, str]]:
    """The entries of a texts field: one per survey language, in the
    survey's order (empty where the text is missing), then any other
    language the text has."""
    given = dict(texts or {})
    entries = [{"language": lang, "text": given.pop(lang, "")} for lang in languages]
    return entries + texts_data(given)


class NewSurveyForm(FlaskForm):  # type: ignore[misc]
    """A new draft from a template: which one, its key and consultation."""

    template = RadioField(
        _l("Template"),
        choices=[SelectChoice(t.name, t.title) for t in TEMPLATES],
        validators=[InputRequired(message=_l("Choose a template."))],
    )
    key = StringField(_l("Key of the new survey"))
    consultation = StringField(_l("Consultation"))


class XlsFormForm(FlaskForm):  # type: ignore[misc]
    """An XLSForm workbook, and the key and consultation of the new draft
    (empty key: the workbook's ``form_id``)."""

    file = FileField(validators=[FileRequired(message=_l("Choose an XLSForm workbook (.xlsx)."))])
    key = StringField(_l("Key of the new survey"))
    consultation = StringField(_l("Consultation"))

    def contents(self) -> bytes:
        """The uploaded workbook's bytes (after ``validate``)."""
        return bytes(self.file.data.read())


class CopyForm(FlaskForm):  # type: ignore[misc]
    """A copy of a survey: its new key and consultation."""

    key = StringField(_l("Key of the copy"))
    consultation = StringField(_l("Consultation"))


class SettingsForm(FlaskForm):  # type: ignore[misc]
    """The survey's own settings."""

    title = texts_field(_l("Title"))
    intro = texts_field(_l("Introduction, before the first page"))
    closing = texts_field(_l("Closing text, after sending"))
    access = SelectField(
        _l("How people reach the survey"),
        choices=[SelectChoice(name, ACCESS_CHOICES[name]) for name in ACCESSES],
    )
    languages = SelectMultipleField(
        _l("Languages"),
        choices=[SelectChoice(code, language_name(code)) for code in KNOWN_LANGUAGES],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    other_language = StringField(_l("Another language"))

    def offer_languages(self, current: list[str]) -> None:
        """The usual languages and every language the survey has: a survey
        file may declare any language code (``tr``), and saving the
        settings must not drop it."""
        codes = list(KNOWN_LANGUAGES) + [c for c in current if c not in KNOWN_LANGUAGES]
        self.languages.choices = [SelectChoice(code, language_name(code)) for code in codes]

    def validate_other_language(self, field: StringField) -> None:
        """A typed language must be a code Babel knows."""
        code = (field.data or "").strip().lower()
        if code and not is_language_code(code):
            raise ValidationError(
                _l("Give a language code of two or three letters, such as tr or es.")
            )

    def chosen_languages(self) -> list[str]:
        """The ticked languages and the one typed, each once."""
        chosen = list(self.languages.data or [])
        other = (self.other_language.data or "").strip().lower()
        if other and other not in chosen:
            chosen.append(other)
        return chosen


class PageForm(FlaskForm):  # type: ignore[misc]
    """A page's title."""

    title = texts_field(_l("Title of the page"))


class AddQuestionForm(FlaskForm):  # type: ignore[misc]
    """A new question: its type."""

    type = SelectField(
        _l("Type of the new question"),
        choices=[SelectChoice(name, name) for name in REGISTRY],
    )


class MoveForm(FlaskForm):  # type: ignore[misc]
    """One step earlier or later, or (a question) to another page."""

    direction = HiddenField()
    page = SelectField(_l("Move to page"), validate_choice=False)


class ConfirmForm(FlaskForm):  # type: ignore[misc]
    """A button that confirms (delete, open): the CSRF token only."""


class ScaleOptionForm(OptionForm):
    """One point of a scale: an option that cannot be exclusive (only a
    question's own options can be "none of these")."""

    exclusive = None


class ScaleForm(FlaskForm):  # type: ignore[misc]
    """A named scale that questions share: its name (only for a new
    scale) and its points."""

    name = StringField(_l("Name of the scale"))
    options = FieldList(FormField(ScaleOptionForm), label=_l("Point"))

    @staticmethod
    def fill(options: list[Any]) -> list[dict[str, Any]]:
        """The entries of ``options`` from a scale of the survey file."""
        return options_data(options)

    def scale(self) -> list[dict[str, Any]]:
        """The scale's options as the survey file writes them; an empty line
        (no code, no label) is left out."""
        return list(without_blank_items({"options": options_value(self.options)})["options"])


class PhenomenonForm(FlaskForm):  # type: ignore[misc]
    """A phenomenon: its key (only for a new one), label and whether it is
    a priority of the national security plan."""

    key = StringField(_l("Key of the phenomenon"))
    label = texts_field(_l("Name of the phenomenon"))
    federal_priority = BooleanField(_l("Also a priority of the national security plan"))


def choices_of(options: list[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select choices from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in options]
