"""The workspace's forms: what each planner form posts, read and checked by
Flask-WTF (CSRF included), so that views get typed values.

A form checks what it can check alone: that a field is there, a choice is
one of those offered, a number or a date has its shape. The rules of the
domain (consultation keys, password length, e-mail addresses, survey files)
stay in the services, which raise with their own messages. Choices are
``SelectChoice`` lists (tuple choices are deprecated in WTForms 3.3).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Length, ValidationError
from wtforms.widgets import DateInput

from survey.models import Role
from survey.planner.letters import MAX_LETTERS_PDF

MAX_LETTERS_CSV = 100_000
# What an INTEGER column holds, in digits: a longer id is refused before any
# query (PostgreSQL would fail on it).
_MAX_ID_DIGITS = 9

ROLE_CHOICES = [
    SelectChoice(Role.ADMIN, _l("administrator")),
    SelectChoice(Role.PLANNER, _l("planner")),
    SelectChoice(Role.VIEWER, _l("viewer")),
]
_ROLE_REFUSED = _l("Choose a role: admin, planner or viewer.")


class IsoDateField(Field):  # type: ignore[misc]
    """A date typed as YYYY-MM-DD (what ``<input type=date>`` sends); empty
    is None. A date that cannot be read keeps its text for the page."""

    widget = DateInput()

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.isoformat() if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = str(valuelist[0]).strip() if valuelist else ""
        self.data = None
        if raw:
            try:
                self.data = date.fromisoformat(raw)
            except ValueError as exc:
                raise ValueError(_l("Enter the date as YYYY-MM-DD.")) from exc


class IdsField(Field):  # type: ignore[misc]
    """Database ids posted under one name (hidden inputs, checkboxes): a
    list of ints. Anything but ASCII digits that fit an INTEGER column makes
    the whole field invalid."""

    def _value(self) -> str:
        return ""

    def process_data(self, value: Any) -> None:
        self.data = list(value or [])

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = []
        for raw in valuelist:
            text = str(raw)
            if not (text.isascii() and text.isdigit() and len(text) <= _MAX_ID_DIGITS):
                # Only a forged form sends this: the view answers 400.
                raise ValueError("not a database id")
            self.data.append(int(text))


class UploadForm(FlaskForm):  # type: ignore[misc]
    """One file. The subclasses say what the page asks for when none was
    chosen."""

    file = FileField(validators=[FileRequired(message=_l("Choose a CSV file."))])

    def contents(self) -> bytes:
        return bytes(self.file.data.read())


class SurveyFileForm(UploadForm):
    file = FileField(validators=[FileRequired(message=_l("Choose a survey file (YAML or JSON)."))])


class ResponseFileForm(UploadForm):
    file = FileField(validators=[FileRequired(message=_l("Choose a response file (CSV)."))])


class OrganisationFileForm(UploadForm):
    file = FileField(
        validators=[
            FileRequired(message=_l("Choose a CSV file with the columns name,sector,email."))
        ]
    )


class LoginForm(FlaskForm):  # type: ignore[misc]
    # The lengths are limits, not rules: the same neutral message as a
    # wrong password.
    email = EmailField(
        validators=[
            InputRequired(_l("Enter your e-mail address.")),
            Length(max=254, message=_l("The e-mail address or password is not correct.")),
        ]
    )
    password = PasswordField(
        validators=[
            InputRequired(_l("Enter your password.")),
            Length(max=1024, message=_l("The e-mail address or password is not correct.")),
        ]
    )


class RetentionForm(FlaskForm):  # type: ignore[misc]
    retention_until = IsoDateField()


class ConsultationForm(RetentionForm):
    # surveys.create_consultation checks the key and trims the title.
    key = StringField(default="")
    title = StringField(default="")


class SurveyStateForm(FlaskForm):  # type: ignore[misc]
    # open or close; the survey's life cycle decides what is allowed.
    action = HiddenField()


class LettersForm(FlaskForm):  # type: ignore[misc]
    count = StringField()
    format = RadioField(
        choices=[
            SelectChoice(
                "pdf", _l("PDF: print-ready letters, one per page (at most 500 per file)")
            ),
            SelectChoice("csv", _l("CSV: codes and links for a mail merge")),
        ],
        default="pdf",
        invalid_choice_message=_l("Choose PDF or CSV."),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Suggested on the empty form only: a post without a count is refused.
        if not self.is_submitted():
            self.count.data = "100"

    def limit(self) -> int:
        return MAX_LETTERS_PDF if self.format.data == "pdf" else MAX_LETTERS_CSV

    def letters(self) -> int:
        """The number of letters asked for (after ``validate``)."""
        return int(self.count.data.strip())

    def validate_count(self, field: Field) -> None:
        raw = (field.data or "").strip()
        # isascii: "²" passes isdigit() but int() refuses it (was a 500).
        digits = raw.isascii() and raw.isdigit() and len(raw) < 10
        if not digits or not 1 <= int(raw) <= self.limit():
            raise ValidationError(
                _l("Enter a number of letters from 1 to %(max)s.", max=self.limit())
            )


class PurgeForm(FlaskForm):  # type: ignore[misc]
    confirm = StringField()

    def __init__(self, key: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.key = key

    def validate_confirm(self, field: Field) -> None:
        if field.data != self.key:
            raise ValidationError(_l("Type the key of the consultation to confirm."))


class NewUserForm(FlaskForm):  # type: ignore[misc]
    # accounts.create_user checks the address and the password.
    email = EmailField(default="")
    name = StringField(default="")
    role = SelectField(choices=ROLE_CHOICES, invalid_choice_message=_ROLE_REFUSED)
    password = PasswordField(default="")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # The least rights, chosen on the empty form only: a post without a
        # role is refused.
        if not self.is_submitted():
            self.role.data = Role.VIEWER


class UserForm(FlaskForm):  # type: ignore[misc]
    """A user's row on the users page: role, active, a new password."""

    role = SelectField(choices=ROLE_CHOICES, invalid_choice_message=_ROLE_REFUSED)
    active = BooleanField()
    password = PasswordField()


class OrganisationForm(FlaskForm):  # type: ignore[misc]
    # organisations.clean and its checks give the messages per field.
    name = StringField()
    sector = StringField()
    email = StringField()


class LinksForm(FlaskForm):  # type: ignore[misc]
    """The partner status page's buttons: links for the organisations
    named (or ``all`` without an active link), as a page or a CSV file."""

    organisation_id = IdsField()
    all = BooleanField()
    format = StringField()

    def one_id(self) -> int | None:
        ids: list[int] = self.organisation_id.data
        return ids[0] if len(ids) == 1 else None
