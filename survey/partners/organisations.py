"""Partner organisations: adding, editing and importing them from CSV.

Rules (the same for the form and for every CSV row):
- ``name`` (at most 200 characters), ``sector`` (at most 80) and
  ``email`` are required; surrounding spaces are dropped.
- the e-mail address must look like ``name@domain.tld``.
- ``language`` (of the e-mails it gets) is nl, fr, en or de; empty means nl.
- names are unique, ignoring case and surrounding spaces, both within a
  CSV file and against the organisations already stored.

Consent to be named in the report (``PartnerOrganisation.named``): the
partner gives or withdraws it with its answer to the ``vermelding``
question (``CONSENT_QUESTION``: 1 yes, 2 no) each time it sends a partner
survey; a planner records it on the organisation's page (consent given on
paper or by e-mail). The last one counts, with its day.

A CSV import is all or nothing: every row is checked, every problem is
reported with its line number (the header is line 1), and nothing is
stored when any row is wrong.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from survey.extensions import DbSession
from survey.models import PartnerOrganisation

EMAIL_RE = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]{2,}")
NAME_MAX = 200
SECTOR_MAX = 80
EMAIL_MAX = 254
# The columns of an import file; Dutch headers are accepted too.
HEADER_ALIASES = {
    "name": "name",
    "naam": "name",
    "sector": "sector",
    "email": "email",
    "e-mail": "email",
    "e-mailadres": "email",
    "language": "language",
    "taal": "language",
}
# The languages of the partner e-mails (templates/mail/partner_*.<language>.txt).
LANGUAGES = ("nl", "fr", "en", "de")
CONSENT_QUESTION = "vermelding"
"""The partner survey question that asks whether the organisation may be
named in the report (code 1: yes)."""
MAX_IMPORT_ROWS = 5000


@dataclass(frozen=True)
class OrganisationData:
    """Cleaned fields of one organisation."""

    name: str
    sector: str
    email: str
    language: str = "nl"


# (field name, lazy message)
FieldProblem = tuple[str, Any]


def clean(
    name: str | None, sector: str | None, email: str | None, language: str | None = None
) -> OrganisationData:
    """Strip the fields (and collapse runs of spaces in the name); an
    empty language is Dutch."""
    return OrganisationData(
        name=" ".join((name or "").split()),
        sector=" ".join((sector or "").split()),
        email=(email or "").strip(),
        language=(language or "").strip().lower() or "nl",
    )


def name_key(name: str) -> str:
    """What makes two names the same: case and spacing do not count."""
    return " ".join(name.split()).casefold()


def check_fields(data: OrganisationData) -> list[FieldProblem]:
    """Problems with the fields of one organisation, database aside."""
    problems: list[FieldProblem] = []
    if not data.name:
        problems.append(("name", _l("Enter the name of the organisation.")))
    elif len(data.name) > NAME_MAX:
        problems.append(("name", _l("The name is longer than %(n)s characters.", n=NAME_MAX)))
    if not data.sector:
        problems.append(("sector", _l("Enter the sector of the organisation.")))
    elif len(data.sector) > SECTOR_MAX:
        problems.append(("sector", _l("The sector is longer than %(n)s characters.", n=SECTOR_MAX)))
    if not data.email:
        problems.append(("email", _l("Enter the contact e-mail address.")))
    elif len(data.email) > EMAIL_MAX or not EMAIL_RE.fullmatch(data.email):
        problems.append(
            ("email", _l("Enter a valid e-mail address, for example naam@voorbeeld.be."))
        )
    if data.language not in LANGUAGES:
        problems.append(("language", _l("Choose the language nl, fr, en or de.")))
    return problems


def existing_names(session: DbSession, exclude_id: int | None = None) -> set[str]:
    """The names of the organisations (but ``exclude_id``) as ``name_key``
    compares them, to refuse a second organisation of the same name."""
    query = select(PartnerOrganisation.name)
    if exclude_id is not None:
        query = query.where(PartnerOrganisation.id != exclude_id)
    return {name_key(n) for n in session.scalars(query)}


class OrganisationError(ValueError):
    """The fields of an organisation break a rule; ``problems`` lists them."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(str(m) for _, m in problems))
        self.problems = problems


def _check_new(session: DbSession, data: OrganisationData, exclude_id: int | None = None) -> None:
    problems = check_fields(data)
    if data.name and name_key(data.name) in existing_names(session, exclude_id):
        problems.append(("name", _l("There is already an organisation with this name.")))
    if problems:
        raise OrganisationError(problems)


def create_organisation(session: DbSession, data: OrganisationData) -> PartnerOrganisation:
    """Store a new organisation. Raises ``OrganisationError``. Flushes."""
    _check_new(session, data)
    organisation = PartnerOrganisation(
        name=data.name, sector=data.sector, contact_email=data.email, language=data.language
    )
    session.add(organisation)
    session.flush()
    return organisation


def update_organisation(
    session: DbSession, organisation: PartnerOrganisation, data: OrganisationData
) -> None:
    """Change an organisation's fields. Raises ``OrganisationError``. Flushes."""
    _check_new(session, data, exclude_id=organisation.id)
    organisation.name = data.name
    organisation.sector = data.sector
    organisation.contact_email = data.email
    organisation.language = data.language
    session.flush()


def set_named(organisation: PartnerOrganisation, named: bool, on: date) -> None:
    """Record consent to be named (or its withdrawal) on day ``on``; the
    day changes only when the consent does."""
    if organisation.named != named or organisation.named_on is None:
        organisation.named = named
        organisation.named_on = on


def record_consent(organisation: PartnerOrganisation, answers: Mapping[str, Any], on: date) -> None:
    """The consent in a partner's sent ``answers`` (its ``vermelding``),
    when the survey asks for it; else the organisation's stays."""
    code = answers.get(CONSENT_QUESTION)
    if code in (1, 2):
        set_named(organisation, code == 1, on)


def list_organisations(session: DbSession) -> list[PartnerOrganisation]:
    """Every organisation, by name (case ignored)."""
    return list(
        session.scalars(select(PartnerOrganisation).order_by(func.lower(PartnerOrganisation.name)))
    )


def get_organisation(session: DbSession, organisation_id: int) -> PartnerOrganisation | None:
    """The organisation with ``organisation_id``, or None."""
    return session.get(PartnerOrganisation, organisation_id)


def sectors(session: DbSession) -> list[str]:
    """The sectors in use, to suggest in the form."""
    return sorted(set(session.scalars(select(PartnerOrganisation.sector))), key=str.casefold)


# --------------------------------------------------------------------- import


@dataclass
class ImportResult:
    """``errors``: (line number, lazy message); ``created``: stored
    organisations (empty when there is any error)."""

    errors: list[tuple[int, Any]] = field(default_factory=list)
    created: list[PartnerOrganisation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the file was stored: no line had an error."""
        return not self.errors


def _decode(raw: bytes) -> str | None:
    """UTF-8 (with or without BOM); else Windows-1252, which is what Excel
    writes in Belgium. None when neither fits."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _dialect(text: str) -> str:
    """Comma or semicolon (Excel with a Belgian locale), from the header."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def parse_csv(raw: bytes) -> tuple[list[tuple[int, OrganisationData]], list[tuple[int, Any]]]:
    """Rows (line number, cleaned data) of an import file, or errors about
    the file itself (encoding, header)."""
    text = _decode(raw)
    if text is None:
        return [], [(1, _l("The file is not a text file (UTF-8 or Windows-1252)."))]
    if "\x00" in text:
        return [], [(1, _l("The file is not a text file (UTF-8 or Windows-1252)."))]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text))
    try:
        header = next(reader)
    except StopIteration:
        return [], [(1, _l("The file is empty."))]
    except csv.Error:
        return [], [(1, _l("The file cannot be read as CSV."))]
    columns = [HEADER_ALIASES.get(h.strip().lower()) for h in header]
    missing = [c for c in ("name", "sector", "email") if c not in columns]
    if missing:
        return [], [
            (
                1,
                _l(
                    "The first line must name the columns name,sector,email; missing: %(cols)s.",
                    cols=", ".join(missing),
                ),
            )
        ]
    index = {c: columns.index(c) for c in ("name", "sector", "email")}
    rows: list[tuple[int, OrganisationData]] = []
    errors: list[tuple[int, Any]] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # blank lines are allowed
            if len(rows) >= MAX_IMPORT_ROWS:
                errors.append((line, _l("The file has too many rows.")))
                break
            if len(cells) < len(header):
                cells = cells + [""] * (len(header) - len(cells))
            language = cells[columns.index("language")] if "language" in columns else None
            rows.append(
                (
                    line,
                    clean(
                        cells[index["name"]],
                        cells[index["sector"]],
                        cells[index["email"]],
                        language,
                    ),
                )
            )
    except csv.Error:
        errors.append((reader.line_num, _l("This line cannot be read as CSV.")))
    return rows, errors


FIELD_LABELS = {
    "name": _l("name"),
    "sector": _l("sector"),
    "email": _l("e-mail"),
    "language": _l("language"),
}


def import_csv(session: DbSession, raw: bytes) -> ImportResult:
    """Check every row of an import file and store all organisations, or
    none when any row is wrong. Flushes only when everything is right."""
    rows, errors = parse_csv(raw)
    result = ImportResult(errors=list(errors))
    if errors:
        return result
    if not rows:
        result.errors.append((2, _l("The file has no organisations.")))
        return result
    stored = existing_names(session)
    seen: dict[str, int] = {}
    for line, data in rows:
        for name, message in check_fields(data):
            result.errors.append(
                (line, _l("%(field)s: %(message)s", field=FIELD_LABELS[name], message=message))
            )
        if data.name:
            key = name_key(data.name)
            if key in stored:
                result.errors.append(
                    (line, _l("There is already an organisation named %(name)s.", name=data.name))
                )
            elif key in seen:
                result.errors.append(
                    (
                        line,
                        _l(
                            "The name %(name)s is also on line %(line)s.",
                            name=data.name,
                            line=seen[key],
                        ),
                    )
                )
            else:
                seen[key] = line
    if result.errors:
        return result
    for _, data in rows:
        organisation = PartnerOrganisation(
            name=data.name, sector=data.sector, contact_email=data.email, language=data.language
        )
        session.add(organisation)
        result.created.append(organisation)
    session.flush()
    return result
