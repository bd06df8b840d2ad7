"""No download and no command output of the platform carries a live
formula or link (issue 18).

A formula is planted in every text a person controls: a resident's answers
(typed on the web and stored as paper questionnaires), a partner's answers,
the names, sectors and e-mail addresses of organisations, the title of the
consultation, and every title, text and label of the survey file (so the
option labels, the phenomena of the priority matrix and the groups of the
weighting dimensions). Then:

- every address of the app's URL map that answers with a file is found
  (a view that sends an attachment or a spreadsheet type, and every GET
  page is fetched to see that it does not) and must be one of the known
  downloads below; each spreadsheet it can give (CSV, XLSX) is fetched as
  an admin and inspected;
- every command that writes a file (an ``--out`` option) must be one of the
  known outputs below; each is run and its file inspected.

An XLSX file is unzipped: no ``<f>`` element (a formula), no hyperlink
relationship and no external link anywhere, and the planted texts are
there as strings. A CSV file is read as a comma-separated file and, as a
Belgian Excel opens it, as a semicolon-separated one: no cell starts with a
formula trigger (numbers aside), and the planted texts are there,
neutralised. A new download or command that is not in the lists fails the
test until it is added (and so inspected).
"""

from __future__ import annotations

import csv
import html
import inspect
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from flask import Flask, url_for
from formtools import Page
from partner_flow import answer_all as partner_answer_all
from partner_flow import full_answers, send
from planner_helpers import logged_in
from report_data import MARGINS_CSV, MINI_SURVEY, generate
from resident_flow import answer_all, start, submit
from support import PARTNER_FILE, import_file

from survey.privacy.spreadsheets import FORMULA_TRIGGERS, neutralise

CONSULTATION = "zvp-2026-2031"
RESIDENT_KEY = "formules-2026"
INVITATION_KEY = "formules-code"

PAYLOADS = (
    '=HYPERLINK("http://evil.example","drugs")',
    "@SUM(1+1)",
    "+1+1",
    "-1+1",
    '=WEBSERVICE("http://evil.example")',
    "\t=1+1",
    "ja;=1+1",  # a Belgian Excel starts a cell after the semicolon
    "\uff1d1+1",  # a full-width equals sign
    "-cmd|' /C calc'!A0",
    "http://evil.example/klik",  # a link, not a formula
)
# Comments the report quotes: they name a phenomenon of the lexicon.
COMMENTS = tuple(f"{p} drugs aan het station en te snel gereden" for p in PAYLOADS)
ORGANISATIONS = (
    # name, sector, e-mail: the first two answer, the third never gets a link
    ('=HYPERLINK("http://evil.example","Stad")', "@SUM(1+1)", "+1+1@evil.example"),
    ("-1+1 Politie", '=WEBSERVICE("http://evil.example")', "-2+3@evil.example"),
    ("ja;=1+1 School", "\t+1+1 Onderwijs", "=1+1@evil.example"),
)

SPREADSHEET_TYPES = (
    "text/csv",
    "text/tab-separated-values",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "application/vnd.oasis.opendocument.spreadsheet",
)
# Formats a `<fmt>` address or a --format option might one day offer.
SPREADSHEET_FORMATS = ("csv", "tsv", "xlsx", "xls", "ods")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?")


# --- the world: payloads in every text a person controls -----------------------


def _survey_file(key: str, access: str) -> str:
    """The mini report survey with a payload in every title, text and label."""
    raw = yaml.safe_load(MINI_SURVEY)
    raw.update(key=key, consultation=CONSULTATION, access=access)
    raw["intro"] = {"nl": "intro"}
    counter = itertools.count()

    def plant(node: Any) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                if name in ("title", "text", "label", "intro", "help") and isinstance(value, dict):
                    n = next(counter)
                    node[name] = {"nl": f"{PAYLOADS[n % len(PAYLOADS)]} {n}"}
                else:
                    plant(value)
        elif isinstance(node, list):
            for value in node:
                plant(value)

    plant(raw)
    return yaml.safe_dump(raw, allow_unicode=True)


@dataclass
class World:
    app: Flask
    admin: Any
    tmp_path: Path
    tokens: list[str] = field(default_factory=list)

    def url(self, endpoint: str, **values: Any) -> str:
        with self.app.test_request_context():
            return url_for(endpoint, **values)


def _store_respondents(app: Flask, key: str) -> None:
    """160 respondents of the report tests, each with a planted comment; one
    in ten typed in from paper."""
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.responses.checking import check_values
    from survey.responses.storage import ResponseWriter

    with app.app_context():
        survey = find_survey(db.session, key)
        assert survey is not None
        definition = definition_of(survey)
        writer = ResponseWriter(db.session, survey)
        for n, person in enumerate(generate(160, seed=18)):
            person.values["opmerking"] = COMMENTS[n % len(COMMENTS)]
            shown, kept, problems = check_values(definition, person.values)
            assert not problems, problems
            writer.write(shown, kept, mode=person.mode)
        db.session.commit()


def _organisations_and_partner_answers(app: Flask, world: World, partner_key: str) -> None:
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.partners import links, organisations

    with app.app_context():
        survey = find_survey(db.session, partner_key)
        assert survey is not None
        for index, (name, sector, email) in enumerate(ORGANISATIONS):
            organisation = organisations.create_organisation(
                db.session, organisations.clean(name, sector, email)
            )
            if index < 2:
                world.tokens.append(links.issue_link(db.session, organisation, survey).token)
        db.session.commit()
    # The first partner sends, named in the report; the second keeps a draft
    # (a reminder goes to it).
    for index, token in enumerate(world.tokens):
        answers = full_answers(vermelding=1)
        answers["toelichting"].update(
            toelichting=COMMENTS[index],
            aandachtspunt_1=PAYLOADS[4],
            aandachtspunt_2=PAYLOADS[6],
            # A written point brings up its tag and rating: answer them too.
            aandachtspunt_2_fenomeen=3,
            aandachtspunt_2_belang=4,
        )
        # A place for drugs: the report's partner sheet lists the places.
        answers["fenomeen_drugs"]["drugs_waar"] = PAYLOADS[index + 1]
        client = app.test_client()
        partner_answer_all(client, f"/p/{token}", answers)
        if index == 0:
            assert send(client, f"/p/{token}").status_code == 302


@pytest.fixture
def world(app: Flask, tmp_path: Path) -> World:
    from survey.extensions import db
    from survey.planner.indicators import import_indicators
    from survey.planner.margins import import_margins
    from survey.planner.surveys import create_consultation

    with app.app_context():
        create_consultation(db.session, CONSULTATION, PAYLOADS[0], None)
        db.session.commit()
    for key, access in ((RESIDENT_KEY, "open"), (INVITATION_KEY, "invitation")):
        path = tmp_path / f"{key}.yaml"
        path.write_text(_survey_file(key, access), encoding="utf-8")
        import_file(app, path)
    partner_key = import_file(app, PARTNER_FILE)
    admin = logged_in(app, app.test_client(), "admin")
    world = World(app, admin, tmp_path)

    # Residents on the web, and the bulk (with paper questionnaires).
    for payload in (PAYLOADS[0], PAYLOADS[6]):
        resident = app.test_client()
        check = answer_all(resident, start(resident, RESIDENT_KEY), {"opmerking": payload})
        submit(resident, check)
    _store_respondents(app, RESIDENT_KEY)
    _organisations_and_partner_answers(app, world, partner_key)

    with app.app_context():
        from survey.planner.surveys import get_consultation

        consultation = get_consultation(db.session, CONSULTATION)
        assert consultation is not None
        import_margins(db.session, consultation, MARGINS_CSV.encode())
        indicators = (
            "phenomenon,year,value,unit,source\n"
            f'drugs,2023,120,"{PAYLOADS[1]}","{PAYLOADS[2]}"\n'
            f'drugs,2024,150,"{PAYLOADS[1]}","{PAYLOADS[2]}"\n'
        )
        import_indicators(db.session, consultation, indicators.encode())
        _sample_with_letters(consultation)
        db.session.commit()
    return world


def _sample_with_letters(consultation: Any) -> None:
    """A frame whose names, addresses, municipalities and districts are the
    planted texts, a sample of all of them and a wave of letters (the
    mail-house file lists them)."""
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.planner import mailing
    from survey.planner.frame import import_frame
    from survey.planner.sample import draw_sample

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "address", "postcode", "municipality", "district", "age"])
    for index, payload in enumerate(PAYLOADS):
        other = PAYLOADS[(index + 1) % len(PAYLOADS)]
        writer.writerow([payload, other, "9000", payload, other, "40"])
    data = buffer.getvalue().replace("\r\n", ",m,nl\r\n").replace("age,m,nl", "age,sex,language")
    frame = import_frame(db.session, consultation, data.encode()).frame
    survey = find_survey(db.session, INVITATION_KEY)
    sample = draw_sample(
        db.session, survey, frame, dimensions=[], method="proportional", size=len(PAYLOADS)
    )
    mailing.start_run(db.session, sample, reminder=False)


# --- what a live formula looks like ------------------------------------------------


def _variants(text: str) -> set[str]:
    """A planted text as it may be stored (trimmed, spaces collapsed)."""
    return {text, text.strip(), " ".join(text.split())}


PLANTED = set().union(*(_variants(p) for p in PAYLOADS))


def live_in_xlsx(data: bytes) -> tuple[list[str], list[str]]:
    """(problems, the texts of the workbook's string cells)."""
    problems: list[str] = []
    texts: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in book.namelist():
            if "externalLink" in name:
                problems.append(f"{name}: an external link part")
            content = book.read(name).decode("utf-8", "replace")
            if name.endswith(".rels"):
                for relation in re.findall(r"<Relationship\b[^>]*>", content):
                    if "/hyperlink" in relation or 'TargetMode="External"' in relation:
                        problems.append(f"{name}: {relation}")
                continue
            if not name.endswith(".xml"):
                continue
            if re.search(r"<(?:\w+:)?f[\s>/]", content):
                problems.append(f"{name}: a formula element")
            if re.search(r'<c\b[^>]*\bt="str"', content):
                problems.append(f"{name}: a formula result cell")
            for link in re.findall(r"<hyperlink\b[^>]*>", content):
                if "r:id=" in link or "location=" not in link:
                    problems.append(f"{name}: an external hyperlink {link}")
            texts += [html.unescape(t) for t in re.findall(r"<t(?:\s[^>]*)?>([^<]*)</t>", content)]
    return problems, texts


def live_in_csv(text: str) -> list[str]:
    """Cells that a spreadsheet would run, reading the file with commas and
    with semicolons (numbers are numbers, not formulas)."""
    problems = []
    for delimiter in (",", ";"):
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            for cell in row:
                start = cell.lstrip(' "')
                if start[:1] and start[0] in FORMULA_TRIGGERS and not _NUMBER.fullmatch(cell):
                    problems.append(f"{delimiter!r} row {number}: {cell!r}")
    return problems


def check_file(name: str, data: bytes, kind: str, carries_text: bool = True) -> None:
    """The file holds no live formula or link; the planted texts are in it
    (as strings in an XLSX, neutralised in a CSV) unless it holds no text
    anyone typed (codes and links only)."""
    if kind == "xlsx":
        problems, texts = live_in_xlsx(data)
        assert problems == [], f"{name}: {problems[:10]}"
        found = {p for p in PLANTED if any(p in t for t in texts)}
    else:
        text = data.decode("utf-8-sig")
        problems = live_in_csv(text)
        assert problems == [], f"{name}: {problems[:10]}"
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        found = {p for p in PLANTED if any(neutralise(p) in c for c in cells)}
        if carries_text:
            # The apostrophe is there: the planted texts were neutralised.
            assert any(c.startswith("'") for c in cells), name
    if carries_text:
        assert found, f"{name}: none of the planted texts is in the file"


# --- the downloads ------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    """A spreadsheet to fetch as an admin: GET ``url``; or, with ``page``,
    submit the rendered form of ``page`` that posts to ``url`` with
    ``choices`` (field values; ``button`` the value of the button pressed)."""

    url: str
    kind: str  # csv or xlsx
    page: str | None = None
    choices: dict[str, str] = field(default_factory=dict)
    button: str | None = None
    carries_text: bool = True


def known_downloads(world: World) -> dict[str, list[Download]]:
    """Every endpoint that can answer with a spreadsheet, with the requests
    that get each one. A new download belongs here."""
    u = world.url
    surveys = (RESIDENT_KEY, "partners-2026")
    return {
        "exports.responses_file": [
            Download(u("exports.responses_file", key=k, fmt=f), f)
            for k in surveys
            for f in ("csv", "xlsx")
        ],
        "reports.download": [
            Download(u("reports.download", key=k, fmt="xlsx", **q), "xlsx")
            for k in surveys
            for q in ({}, {"weighting": "off", "crosstabs": "off"})
        ],
        "partners.remind_csv": [Download(u("partners.remind_csv", key="partners-2026"), "csv")],
        # The survey whose labels carry the planted texts.
        "drafts.xlsform_file": [Download(u("drafts.xlsform_file", key=RESIDENT_KEY), "xlsx")],
        "partners.issue": [
            Download(
                u("partners.issue", key="partners-2026"),
                "csv",
                page=u("partners.survey_status", key="partners-2026"),
                button="csv",
            )
        ],
        "sampling.run_csv": [
            Download(u("sampling.run_csv", key=INVITATION_KEY, run_id=1), "csv"),
        ],
        "fieldwork.letters": [
            Download(
                u("fieldwork.letters", key=INVITATION_KEY),
                "csv",
                page=u("fieldwork.letters", key=INVITATION_KEY),
                choices={"count": "3", "format": "csv"},
                carries_text=False,  # codes and links
            )
        ],
    }


# Endpoints that send files which are not spreadsheets (nothing runs in them).
OTHER_FILES = {
    "static": "the platform's own style sheets, scripts and images",
    "surveys.survey_file": "the survey file, YAML",
    "partner.receipt_pdf": "the partner's receipt, PDF",
    "sampling.run_pdf": "addressed letters, PDF",
    "campaign.qr_svg": "the open link's QR code, SVG",
    "campaign.qr_png": "the open link's QR code, PNG",
    "campaign.poster": "the open campaign's poster, PDF",
    "reports.pdf_file": "the input report made in the background, PDF",
}
# The non-spreadsheet formats of the known downloads (not fetched here).
OTHER_FORMATS = {"sav", "pdf", "json", "html"}
_FILE_MARKERS = (
    "attachment",
    "Content-Disposition",
    "text/csv",
    "spreadsheetml",
    "send_file",
    "send_from_directory",
    "csv_writer",
    "xlsx",
)


def _sends_files(view: Callable[..., Any]) -> bool:
    source = inspect.getsource(inspect.unwrap(view))
    return any(marker in source for marker in _FILE_MARKERS)


def _is_spreadsheet_or_file(response: Any) -> bool:
    disposition = response.headers.get("Content-Disposition", "")
    return "attachment" in disposition or response.mimetype in SPREADSHEET_TYPES


def _fill(world: World, rule: Any) -> list[str]:
    """The rule's addresses with real values for its parts."""
    real = {
        "key": [RESIDENT_KEY, INVITATION_KEY, "partners-2026", CONSULTATION],
        "token": world.tokens,
        "page_key": ["buurt", "aanpak"],
        "organisation_id": ["1"],
        "user_id": ["1"],
        "run_id": ["1"],
        "fmt": list(SPREADSHEET_FORMATS),
    }
    names = sorted(rule.arguments)
    choices = [real.get(n, ["x"]) for n in names]
    with world.app.test_request_context():
        return [
            url_for(rule.endpoint, **dict(zip(names, values, strict=True)))
            for values in itertools.product(*choices)
        ]


def _fetch(world: World, download: Download) -> Any:
    if download.page is None:
        return world.admin.get(download.url)
    page = Page(world.admin.get(download.page))
    for index in range(len(page.forms)):
        form = page.form(index)
        if form.action != download.url:
            continue
        if download.button and not any(b[1] == download.button for b in form.buttons):
            continue
        for name, value in download.choices.items():
            form.set(name, value)
        return form.submit(world.admin, button=download.button)
    raise AssertionError(f"no form posting to {download.url} on {download.page}")


def test_no_download_address_carries_a_live_formula(app: Flask, world: World) -> None:
    downloads = known_downloads(world)
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    assert set(downloads) | set(OTHER_FILES) <= set(rules), "a known download has gone"

    # Every view that sends a file is known.
    unknown = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if _sends_files(view) and endpoint not in downloads and endpoint not in OTHER_FILES
    ]
    assert unknown == [], f"downloads not in known_downloads or OTHER_FILES: {unknown}"

    # Every other page is a page: fetched with real values, none is a file.
    resident = app.test_client()
    start(resident, RESIDENT_KEY)
    partner = app.test_client()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in downloads or rule.endpoint in OTHER_FILES:
            continue
        if "GET" not in (rule.methods or set()):
            continue
        for path in _fill(world, rule):
            for client in (world.admin, resident, partner):
                response = client.get(path)
                response.get_data()
                assert not _is_spreadsheet_or_file(response), (
                    f"{rule.endpoint} ({path}) sent a file: add it to known_downloads"
                )

    # A download with a format in its address offers no other spreadsheet.
    checked = {(endpoint, d.kind) for endpoint, ds in downloads.items() for d in ds}
    for endpoint in downloads:
        rule = rules[endpoint]
        if "fmt" not in rule.arguments:
            continue
        for path in _fill(world, rule):
            fmt = path.rsplit(".", 1)[-1].split("?")[0]
            response = world.admin.get(path)
            response.get_data()  # a streamed export ends its transaction
            if response.status_code == 404 or fmt in OTHER_FORMATS:
                continue
            assert (endpoint, fmt) in checked, f"{path} gives a {fmt} file that is not inspected"

    # Each spreadsheet: no live formula, the planted texts as text.
    for endpoint, fetches in downloads.items():
        assert fetches, endpoint
        for download in fetches:
            response = _fetch(world, download)
            assert response.status_code == 200, (endpoint, download.url, response.status_code)
            assert _is_spreadsheet_or_file(response), (endpoint, download.url)
            check_file(download.url, response.get_data(), download.kind, download.carries_text)


# --- the commands ---------------------------------------------------------------------


def known_outputs(world: World) -> dict[str, list[tuple[list[str], str, bool]]]:
    """Every command that writes a file: (arguments, kind of file, carries
    typed text). ``{out}`` is the file the command writes."""
    return {
        "responses export": [
            (["responses", "export", k, "--out", "{out}." + f], f, True)
            for k in (RESIDENT_KEY, "partners-2026")
            for f in ("csv", "xlsx")
        ],
        "report build": [
            (["report", "build", k, "--format", "xlsx", "--out", "{out}.xlsx"], "xlsx", True)
            for k in (RESIDENT_KEY, "partners-2026")
        ],
        "codes generate": [
            (
                ["codes", "generate", INVITATION_KEY, "--count", "3", "--out", "{out}.csv"],
                "csv",
                False,  # codes and links
            )
        ],
        "partners links": [
            (["partners", "links", "partners-2026", "--out", "{out}.csv"], "csv", True)
        ],
        "letters csv": [
            (["letters", "csv", INVITATION_KEY, "--out", "{out}.csv"], "csv", True),
            (["letters", "csv", INVITATION_KEY, "--wave", "2", "--out", "{out}.csv"], "csv", True),
        ],
        "letters print": [],  # the letters, PDF
        "surveys export": [],  # the survey file, YAML
    }


def _commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


def test_no_command_output_carries_a_live_formula(
    app: Flask, world: World, runner: Any, tmp_path: Path
) -> None:
    outputs = known_outputs(world)
    commands = dict(_commands(app.cli))
    assert set(outputs) <= set(commands), "a known command has gone"
    writers = [n for n, c in commands.items() if any(p.name == "out" for p in c.params)]
    assert sorted(set(writers) - set(outputs)) == [], "commands writing files not in the list"
    # A --format option offers no spreadsheet that is not inspected.
    for name in outputs:
        for param in commands[name].params:
            if isinstance(param.type, click.Choice):
                offered = {str(c) for c in param.type.choices} & set(SPREADSHEET_FORMATS)
                inspected = {kind for _a, kind, _t in outputs[name]}
                assert offered <= inspected, (name, offered - inspected)

    for number, (args, kind, carries_text) in enumerate(
        (o for runs in outputs.values() for o in runs), start=1
    ):
        out = str(tmp_path / f"uit{number}")
        argv = [a.replace("{out}", out) for a in args]
        result = runner.invoke(args=argv)
        assert result.exit_code == 0, (argv, result.output)
        path = Path(argv[-1])
        check_file(" ".join(args[:2]), path.read_bytes(), kind, carries_text)
