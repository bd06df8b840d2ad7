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
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, DateInput, ListWidget

from survey.models import Role
from survey.planner.letters import MAX_LETTERS_PDF
from survey.planner.sample import DIMENSION_LABELS
from survey.responses.csv_import import OnDuplicate

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
        """Read the posted text; one that is no ISO date is a message on the
        field (and ``data`` None)."""
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
        """The ids of an unposted form (``data=`` or ``obj=``): a list, empty
        for None."""
        self.data = list(value or [])

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Read every posted value as an id, in order; one that is not an id
        refuses the field."""
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
        """The uploaded file's bytes (after ``validate``); the importers
        decode and check them."""
        return bytes(self.file.data.read())


class SurveyFileForm(UploadForm):
    """A survey file to import (the survey import page)."""

    file = FileField(validators=[FileRequired(message=_l("Choose a survey file (YAML or JSON)."))])


class ResponseFileForm(UploadForm):
    """A response file of paper forms to import (data entry)."""

    file = FileField(validators=[FileRequired(message=_l("Choose a response file (CSV)."))])
    on_duplicate = RadioField(
        choices=[
            SelectChoice(
                OnDuplicate.SKIP, _l("Skip them and list them (the stored response stays)")
            ),
            SelectChoice(
                OnDuplicate.REPLACE, _l("Replace the stored response with the row of this file")
            ),
        ],
        default=OnDuplicate.SKIP,
        invalid_choice_message=_l("Choose whether to skip or replace rows already stored."),
    )


class OrganisationFileForm(UploadForm):
    """The partner organisations as a CSV file (name, sector, e-mail)."""

    file = FileField(
        validators=[
            FileRequired(message=_l("Choose a CSV file with the columns name,sector,email."))
        ]
    )


class FrameFileForm(UploadForm):
    """The sample frame upload: one CSV of people (rules in planner.frame)."""

    file = FileField(
        validators=[FileRequired(message=_l("Choose a CSV file with the people of the frame."))]
    )


class LetterSettingsForm(FlaskForm):  # type: ignore[misc]
    """The consultation's letter settings: sender, signatory, contact, dates, logo and signature."""

    # letters.save_settings checks the lengths, the e-mail and the images.
    sender = StringField(default="")
    sender_address = StringField(default="")
    signatory = StringField(default="")
    signatory_title = StringField(default="")
    phone = StringField(default="")
    email = StringField(default="")
    privacy_url = StringField(default="")
    reply_by = IsoDateField()
    fieldwork_until = IsoDateField()
    logo = FileField()
    signature = FileField()

    def image(self, name: str) -> bytes | None:
        """The uploaded image of field ``name``, or None when none was chosen."""
        upload = getattr(self, name).data
        if upload is None or not getattr(upload, "filename", ""):
            return None
        return bytes(upload.read())


STRATA_CHOICES = [SelectChoice(name, label) for name, label in DIMENSION_LABELS.items()]


class SampleForm(FlaskForm):  # type: ignore[misc]
    """A stratified draw: strata, proportional or per stratum, size, minimum, age bands, seed."""

    strata = SelectMultipleField(
        choices=STRATA_CHOICES,
        default=["district", "sex", "age"],
        # sample.draw_sample refuses an unknown dimension with its own message.
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    method = RadioField(
        choices=[
            SelectChoice(
                "proportional", _l("Proportional to the frame, with a minimum per stratum")
            ),
            SelectChoice("per_stratum", _l("The same number in every stratum")),
        ],
        default="proportional",
        invalid_choice_message=_l("Choose proportional or a size per stratum."),
    )
    size = StringField(default="")
    minimum = StringField(default="0")
    age_bands = StringField(default="18,35,50,65")
    seed = StringField(default="")

    def validate_size(self, field: Field) -> None:
        """The sample size is a whole number of at least 1."""
        if _whole(field.data) is None or _whole(field.data) == 0:
            raise ValidationError(_l("Enter the sample size as a whole number from 1."))

    def validate_minimum(self, field: Field) -> None:
        """The minimum per stratum is a whole number (0 for none)."""
        if _whole(field.data) is None:
            raise ValidationError(_l("Enter the minimum as a whole number (0 for none)."))

    def validate_seed(self, field: Field) -> None:
        """The seed is empty (a new draw) or a whole number (repeat a draw)."""
        if (field.data or "").strip() and _whole(field.data) is None:
            raise ValidationError(_l("The seed is a whole number; leave it empty for a new draw."))

    def whole(self, name: str) -> int | None:
        """Field ``name`` as a whole number of at most 9 digits, or None."""
        return _whole(getattr(self, name).data)


def _whole(raw: str | None) -> int | None:
    """A whole number of at most 9 ASCII digits, or None."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= _MAX_ID_DIGITS):
        return None
    return int(text)


class LetterRunForm(FlaskForm):  # type: ignore[misc]
    """Print a wave of letters: the invitation or a reminder to unused codes."""

    # "invitation" or "reminder"
    wave = HiddenField()


class LoginForm(FlaskForm):  # type: ignore[misc]
    """The planner login: e-mail address and password."""

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
    """A consultation's retention date (empty: none), after which its codes,
    drafts and raw free texts may be purged."""

    retention_until = IsoDateField()


class SectorTranslationForm(Form):  # type: ignore[misc]
    """One partner sector (as entered, in Dutch) in another language."""

    sector = HiddenField()
    text = StringField(
        default="",
        validators=[Length(max=80, message=_l("At most 80 characters."))],
        filters=[lambda value: " ".join((value or "").split())],
    )


class TranslationForm(Form):  # type: ignore[misc]
    """A consultation's title, margins' source and partner sectors in one
    other language."""

    language = HiddenField()
    title = StringField(
        default="",
        validators=[Length(max=200, message=_l("At most 200 characters."))],
        filters=[lambda value: (value or "").strip()],
    )
    margins_source = StringField(
        default="",
        validators=[Length(max=200, message=_l("At most 200 characters."))],
        filters=[lambda value: (value or "").strip()],
    )
    sectors = FieldList(FormField(SectorTranslationForm))


class TranslationsForm(FlaskForm):  # type: ignore[misc]
    """A consultation's texts in its surveys' other languages, for the
    reports in those languages: one entry per language (set by the view)."""

    languages = FieldList(FormField(TranslationForm))


class MarginsSourceForm(FlaskForm):  # type: ignore[misc]
    """Where a consultation's population margins come from and their
    reference date: the report's methods section quotes both."""

    margins_source = StringField(
        default="",
        validators=[Length(max=200, message=_l("At most 200 characters."))],
        filters=[lambda value: (value or "").strip()],
    )
    margins_date = IsoDateField()


class WeightingMergeForm(Form):  # type: ignore[misc]
    """One declared merge: a category and the one it is weighted with
    (``dimension:code`` values; ``survey.planner.weighting`` checks them)."""

    group = SelectField(default="", validate_choice=False)
    into = SelectField(default="", validate_choice=False)


class WeightingChoicesForm(FlaskForm):  # type: ignore[misc]
    """A consultation's weighting choices: the collapsing minimum, the
    declared merges and whether the unanswered are weighted. The choices of
    the merges' lists are set by the view; the rules are the service's."""

    minimum = StringField(default="", filters=[lambda value: (value or "").strip()])
    unanswered = BooleanField(default=False)
    merges = FieldList(FormField(WeightingMergeForm))


class ConsultationForm(RetentionForm):
    """A new consultation: key, title and retention date."""

    # surveys.create_consultation checks the key and trims the title.
    key = StringField(default="")
    title = StringField(default="")


class SurveyStateForm(FlaskForm):  # type: ignore[misc]
    """The open and close buttons of a survey."""

    # open or close; the survey's life cycle decides what is allowed.
    action = HiddenField()


class LettersForm(FlaskForm):  # type: ignore[misc]
    """How many resident letters with new codes, and as what: a PDF to print
    (at most ``MAX_LETTERS_PDF``) or a CSV for a mail merge (at most
    ``MAX_LETTERS_CSV``)."""

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
        """The most letters one file of the chosen format may hold."""
        return MAX_LETTERS_PDF if self.format.data == "pdf" else MAX_LETTERS_CSV

    def letters(self) -> int:
        """The number of letters asked for (after ``validate``)."""
        return int(self.count.data.strip())

    def validate_count(self, field: Field) -> None:
        """A whole number of ASCII digits from 1 to ``limit()``."""
        raw = (field.data or "").strip()
        # isascii: "²" passes isdigit() but int() refuses it (was a 500).
        digits = raw.isascii() and raw.isdigit() and len(raw) < 10
        if not digits or not 1 <= int(raw) <= self.limit():
            raise ValidationError(
                _l("Enter a number of letters from 1 to %(max)s.", max=self.limit())
            )


class PurgeForm(FlaskForm):  # type: ignore[misc]
    """The confirmation of a purge: the consultation's key, typed again."""

    confirm = StringField()

    def __init__(self, key: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.key = key

    def validate_confirm(self, field: Field) -> None:
        """The typed text must be the key exactly (no trimming, same case)."""
        if field.data != self.key:
            raise ValidationError(_l("Type the key of the consultation to confirm."))


class NewUserForm(FlaskForm):  # type: ignore[misc]
    """A new planner account: e-mail, name, role and a first password."""

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
    """A partner organisation: name, sector and e-mail address; on its
    edit page also whether it agreed to be named in the report."""

    # organisations.clean and its checks give the messages per field.
    name = StringField()
    sector = StringField()
    email = StringField()
    language = StringField()
    named = BooleanField()


class LinksForm(FlaskForm):  # type: ignore[misc]
    """The partner status page's buttons: links for the organisations
    named (or ``all`` without an active link), as a page or a CSV file.
    ``confirmed``: sent by the confirmation page of an action that changes
    a current link (new link, withdraw, reopen)."""

    organisation_id = IdsField()
    all = BooleanField()
    format = StringField()
    confirmed = BooleanField()

    def one_id(self) -> int | None:
        """The organisation when exactly one was named, else None."""
        ids: list[int] = self.organisation_id.data
        return ids[0] if len(ids) == 1 else None


class ConfirmForm(FlaskForm):  # type: ignore[misc]
    """A confirmation page's button: nothing but the CSRF token."""
