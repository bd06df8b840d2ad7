"""A sweep over every route of the URL map, anonymous and as an admin, with
real and garbage path parameters, forged and duplicated fields, NUL bytes
and invalid UTF-8, odd numbers and template syntax: never a 5xx, nothing
stored. Then the single cases: bodies over the size limit (413), odd
numbers, NUL bytes and markup in answers, hostile survey files and CSV
uploads, formula payloads in exports."""

from __future__ import annotations

import csv
import gc
import io
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from formtools import Page
from livehttp import short_survey_file
from partner_flow import add_partner, issue_all
from planner_helpers import PASSWORD, log_in, make_user, submit_file
from resident_flow import answer_all, import_file, start, submit, tr
from sqlalchemy import func, select

GARBAGE_SEGMENTS = ["%00", "..%2F..%2Fetc%2Fpasswd", "%7B%7B7*191%7D%7D%FF", "é" * 200]
HUGE_INT = "99999999999999999999999"
QUERY = "?lang=%00&next=%FF%FE&code=%7B%7B7*191%7D%7D&terug=controle&x=%00%01&page=-1&fmt=NaN"
FORGED_BODY = (
    b"csrf_token=forged&code=%00%FF%FE&email=%00a%40b&password=%FF&veilig=1&veilig=2"
    b"&veilig=999&leeftijd=NaN&leeftijd=inf&problemen.drugs=-1&problemen.zz=1"
    b"&opmerkingen=%7B%7B7*191%7D%7D%7B%25raw%25%7D%3Cscript%3E&revision=-1&revision=x"
    b"&organisation_id=%00&organisation_id=99999999999999999999&role=superuser"
    b"&name=%3Cscript%3E&count=1e309&format=exe&action=%00&all=1&confirm=%FF"
    b"&retention_until=31-02-2026&key=..%2F..&title=%00&state=open&active=2&zorgen=1&zorgen=1"
    b"&resume_code=%00&submission_key=%00&top3.1=1&top3.1=2&sector=%00&\xff\xfe=\xff"
)


def _counts(app: Flask) -> dict[str, int]:
    from survey.extensions import db
    from survey.models import Answer, FreeText, InvitationCode, Response, Survey

    with app.app_context():
        return {
            model.__name__: int(db.session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Response, Answer, FreeText, InvitationCode, Survey)
        }


@pytest.fixture
def world(app: Flask, tmp_path: Path, resident_survey: str, partner_survey: str) -> dict[str, Any]:
    """Real values for every kind of path parameter."""
    from survey.extensions import db
    from survey.models import PartnerOrganisation, PlannerUser

    open_key = import_file(app, short_survey_file(tmp_path))
    admin = app.test_client()
    make_user(app, "admin@zone.be", "admin")
    make_user(app, "other@zone.be", "viewer")
    assert log_in(admin, "admin@zone.be").status_code == 302
    add_partner(admin, "Alfa", "Onderwijs", "alfa@voorbeeld.be")
    link = issue_all(admin, partner_survey)["Alfa"]
    resident = app.test_client()
    start(resident, open_key)
    with app.app_context():
        org_id = db.session.scalars(select(PartnerOrganisation.id)).first()
        user_id = db.session.scalars(
            select(PlannerUser.id).where(PlannerUser.email == "other@zone.be")
        ).one()
    return {
        "admin": admin,
        "resident": resident,
        "real": {
            "key": [open_key, resident_survey, partner_survey, "zvp-2026-2031"],
            "page_key": ["een", "buurt"],
            "token": [link.rsplit("/", 1)[1]],
            "organisation_id": [str(org_id), HUGE_INT],
            "user_id": [str(user_id), HUGE_INT],
            "run_id": ["1", HUGE_INT],
            "fmt": ["csv", "xlsx", "sav", "pdf"],
            "filename": ["css/app.css", "../../../etc/passwd", "..%2F..%2Fsurvey%2Fconfig.py"],
        },
    }


def _paths(rule: Any, real: dict[str, list[str]], garbage: bool = True) -> list[str]:
    """The rule's path with real values, then with garbage in every slot."""
    names = list(rule.arguments)
    fillings: list[dict[str, str]] = []
    if names:
        longest = max(len(real.get(n, ["x"])) for n in names)
        for i in range(longest):
            fillings.append({n: real.get(n, ["x"])[i % len(real.get(n, ["x"]))] for n in names})
        for junk in GARBAGE_SEGMENTS if garbage else []:
            fillings.append(dict.fromkeys(names, junk))
    else:
        fillings.append({})
    paths = []
    for values in fillings:
        path = rule.rule
        for name in names:
            converter = type(rule._converters[name]).__name__
            value = values[name]
            if converter == "IntegerConverter" and not value.isdigit():
                value = HUGE_INT
            elif not value.startswith("%") and "%" not in value:
                value = quote(value, safe="/.")
            path = path.replace(f"<int:{name}>", value).replace(f"<path:{name}>", value)
            path = path.replace(f"<{name}>", value)
        if path not in paths:
            paths.append(path)
    return paths


@pytest.mark.slow
def test_no_route_gives_a_server_error_for_bad_input(
    app: Flask, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without CSRF the forged fields reach the views themselves.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    before = _counts(app)
    failures = []
    seen = 0
    clients = {
        "anonymous": app.test_client(),
        "admin": world["admin"],
        "resident": world["resident"],
    }
    for rule in app.url_map.iter_rules():
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        for path in _paths(rule, world["real"]):
            for who, client in clients.items():
                if who == "admin" and rule.endpoint == "auth.logout":
                    continue
                for method in methods:
                    attempts: list[dict[str, Any]] = []
                    if method == "GET":
                        attempts = [{"query_string": QUERY[1:]}]
                    else:
                        junk = (io.BytesIO(b"\x00\xff" * 2000 + b"{{7*191}}"), "x.yaml")
                        attempts = [
                            {
                                "data": FORGED_BODY,
                                "content_type": "application/x-www-form-urlencoded",
                            },
                            {
                                "data": {"file": junk, "veilig": "1", "count": "NaN"},
                                "content_type": "multipart/form-data",
                            },
                        ]
                    for extra in attempts:
                        response = client.open(path, method=method, **extra)
                        seen += 1
                        if response.status_code >= 500:
                            failures.append(f"{who} {method} {path}: {response.status_code}")
                            break
                        body = response.get_data()
                        if b"Traceback" in body or (
                            # 7 x 191 = 1337: "49" turns up by chance in random tokens.
                            b"1337" in body and b"{{7*191}}" not in body and (b"7*191" in body)
                        ):
                            failures.append(f"{who} {method} {path}: leaks or evaluates")
                        response.close()
    assert failures == [], "\n".join(failures[:50])
    assert seen > 500
    after = _counts(app)
    assert after == before


def test_csrf_is_enforced_on_every_state_change(app: Flask, world: dict[str, Any]) -> None:
    """Every POST without a token (and with a forged one) is refused with
    400, anonymous and logged in, and stores nothing."""
    before = _counts(app)
    posts = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or set()):
            continue
        for path in _paths(rule, world["real"], garbage=False):
            if HUGE_INT in path:
                continue  # no such route: 404 before any check
            for client in (app.test_client(), world["admin"], world["resident"]):
                for data in ({"veilig": "1"}, {"csrf_token": "forged", "veilig": "1"}):
                    response = client.post(path, data=data)
                    assert response.status_code == 400, (path, response.status_code)
                    posts += 1
    assert posts > 100
    assert _counts(app) == before
    # The admin is still logged in (no logout happened without a token).
    assert world["admin"].get("/planner/").status_code == 200


def test_bodies_over_the_limits_get_413(app: Flask, world: dict[str, Any]) -> None:
    before = _counts(app)
    limit = app.config["MAX_CONTENT_LENGTH"]
    big = b"a=" + b"x" * (limit + 10)
    for client, path in (
        (world["resident"], f"/s/{world['real']['key'][0]}/stap/een"),
        (world["admin"], "/planner/bevragingen/opladen"),
        (app.test_client(), "/planner/aanmelden"),
    ):
        response = client.post(path, data=big, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 413, path
        assert "Te veel gegevens" in Page(response).text or "Too much" in Page(response).text
    # One form field over MAX_FORM_MEMORY_SIZE (the body itself is allowed).
    field = b"opmerkingen=" + b"y" * (app.config["MAX_FORM_MEMORY_SIZE"] + 10)
    response = world["resident"].post(
        f"/s/{world['real']['key'][0]}/stap/een",
        data=field,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert _counts(app) == before


ODD_NUMBERS = [
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e3",
    "4.2.1",
    "0x2A",
    "42abc",
    "",
    "１" * 400,
]


@pytest.mark.parametrize("raw", ODD_NUMBERS)
def test_odd_numbers_get_a_message_and_store_nothing(
    app: Flask, client: Any, tmp_path: Path, raw: str
) -> None:
    from survey.extensions import db
    from survey.models import Draft

    key = import_file(app, short_survey_file(tmp_path))
    page = Page(start(client, key))
    form = page.form().set("veilig", "1")
    form.fields["leeftijd"].value = raw
    response = form.submit(client)
    if raw == "":
        assert response.status_code == 302  # optional question left empty
        return
    assert response.status_code in (200, 422), raw
    assert "Er is een probleem" in Page(response).text or "problem" in Page(response).text
    with app.app_context():
        assert db.session.scalars(select(Draft.data)).one() == {}


def test_full_width_digits_are_read_as_digits(app: Flask, client: Any, tmp_path: Path) -> None:
    key = import_file(app, short_survey_file(tmp_path))
    form = Page(start(client, key)).form().set("veilig", "1")
    form.fields["leeftijd"].value = "４２"
    assert form.submit(client).status_code == 302


MARKUP = "{{7*7}} {% raw %} <script>alert(1)</script> <img src=x onerror=alert(2)> &amp;"


def test_markup_and_template_syntax_in_answers_are_kept_as_text(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    from survey.extensions import db
    from survey.models import FreeText

    key = import_file(app, short_survey_file(tmp_path))
    check = answer_all(client, start(client, key), {"opmerkingen": MARKUP})
    html = check.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{7*7}}" in html and "{% raw %}" in html
    thanks = submit(client, check)
    assert thanks.status_code == 302
    with app.app_context():
        stored = db.session.scalars(select(FreeText.text)).one()
    assert stored == MARKUP


def test_a_nul_byte_in_an_answer_gets_the_same_answer_on_both_databases(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    """PostgreSQL refuses NUL in text; SQLite would keep it. Both behave
    alike: the request is refused with the Dutch 400 page, nothing saved."""
    from survey.extensions import db
    from survey.models import Draft

    key = import_file(app, short_survey_file(tmp_path))
    first = start(client, key)
    form = Page(first).form().set("veilig", "1")
    form.fields["leeftijd"].value = "4\x002"
    response = form.submit(client)
    assert response.status_code == 400
    refused = (
        "Your answers could not be processed. Go back, reload the page and try again. "
        "Nothing was saved from this attempt."
    )
    # The Dutch page says that the answers of this page were not kept.
    assert tr(app, refused) in Page(response).text
    assert "niet bewaard" in tr(app, refused)
    with app.app_context():
        assert db.session.scalars(select(Draft.data)).one() == {}
    # The same page without the NUL byte is saved.
    form.fields["leeftijd"].value = "42"
    assert form.submit(client).status_code == 302
    # And in an address: no such page.
    assert client.get(f"/s/{key}%00").status_code == 404
    assert client.get("/planner/bevragingen/%00").status_code in (302, 404)


def test_invalid_utf8_in_a_form_is_replaced_not_an_error(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    key = import_file(app, short_survey_file(tmp_path))
    page = Page(start(client, key))
    token = page.form().fields["csrf_token"].value
    body = b"csrf_token=" + token.encode() + b"&veilig=1&leeftijd=4%FF2&opmerkingen=%FF%FE"
    response = client.post(
        f"/s/{key}/stap/een", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 422)


HOSTILE_SURVEY_FILES = {
    "bomb.yaml": b"a: &a ['x','x','x','x','x','x','x','x','x']\n"
    + b"".join(
        f"{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n".encode()
        for n, p in zip("bcdefghi", "abcdefgh", strict=True)
    ),
    "deep.yaml": b"[" * 50_000 + b"]" * 50_000,
    "deep.json": b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
    "tags.yaml": b"!!python/object/apply:os.system ['echo pwned']\n",
    "junk.yaml": bytes(range(256)) * 40,
    "image.yaml": b"\x89PNG\r\n\x1a\n" + b"\x00" * 1000,
    "wide.yaml": b"format: 1\nkey: breed\n"
    + b"".join(f"k{i}: {i}\n".encode() for i in range(100_000)),
    "utf16.yaml": "format: 1\nkey: x\n".encode("utf-16"),
    "empty.yaml": b"",
    "list.yaml": b"- 1\n- 2\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SURVEY_FILES))
def test_hostile_survey_files_are_refused_with_a_message(
    app: Flask, world: dict[str, Any], name: str
) -> None:
    before = _counts(app)
    admin = world["admin"]
    page = Page(admin.get("/planner/bevragingen/opladen"))
    response = submit_file(admin, page, HOSTILE_SURVEY_FILES[name], name)
    assert 400 <= response.status_code < 500, (name, response.status_code)
    assert Page(response).text  # a page that says what is wrong
    assert _counts(app) == before
    assert b"pwned" not in response.get_data()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_wrong_content_type_and_huge_upload(app: Flask, world: dict[str, Any]) -> None:
    admin = world["admin"]
    before = _counts(app)
    page = Page(admin.get("/planner/bevragingen/opladen"))
    token = page.form().fields["csrf_token"].value
    response = admin.post(
        "/planner/bevragingen/opladen",
        data={
            "csrf_token": token,
            "file": (io.BytesIO(b"%PDF-1.4 junk"), "x.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    assert 400 <= response.status_code < 500
    huge = b"#" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = submit_file(admin, page, huge, "huge.yaml")
    assert response.status_code == 413
    response.close()
    del response
    gc.collect()  # werkzeug's spooled upload file, abandoned at the 413
    assert _counts(app) == before


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_hostile_csv_uploads_are_refused(app: Flask, world: dict[str, Any]) -> None:
    from survey.extensions import db
    from survey.models import PartnerOrganisation

    admin = world["admin"]
    key = world["real"]["key"][0]
    before = _counts(app)
    with app.app_context():
        orgs = db.session.scalar(select(func.count()).select_from(PartnerOrganisation))
    wide = (",".join(f"c{i}" for i in range(1_000_000)) + "\n").encode()
    files = {
        "wide.csv": wide,
        "junk.csv": bytes(range(256)) * 100,
        "nul.csv": b"naam,sector,email\nA\x00,B,c@d.be\n",
        "quotes.csv": b'"' * 100_000,
        "formula.csv": b'naam,sector,email\n=HYPERLINK("http://evil"),x,y\n',
    }
    targets = [
        (f"/planner/bevragingen/{key}/importeren", "survey_import"),
        ("/planner/raadplegingen/zvp-2026-2031/marges", "margins"),
        ("/planner/raadplegingen/zvp-2026-2031/indicatoren", "indicators"),
        ("/planner/partners/", "partners"),
    ]
    for path, _name in targets:
        page = Page(admin.get(path))
        for filename, data in files.items():
            upload_forms = [i for i, f in enumerate(page.forms) if "file" in f.fields]
            assert upload_forms, path
            form_page = page
            index = upload_forms[0]
            form = form_page.form(index)
            fields = {n: f.value for n, f in form.fields.items() if f.kind != "file"}
            payload: dict[str, Any] = dict(fields)
            payload["file"] = (io.BytesIO(data), filename)
            response = admin.post(form.action, data=payload, content_type="multipart/form-data")
            assert response.status_code < 500, (path, filename, response.status_code)
            assert b"Traceback" not in response.get_data()
            response.close()
            response.request.input_stream.close()  # the test client's spooled body
    gc.collect()  # werkzeug's spooled upload files of large parts
    assert _counts(app) == before
    with app.app_context():
        # The formula row may be refused or stored as a name; nothing else.
        assert db.session.scalar(select(func.count()).select_from(PartnerOrganisation)) <= orgs + 1


FORMULAS = ['=HYPERLINK("http://evil.example","klik")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)"]


@pytest.mark.parametrize("payload", FORMULAS)
def test_formula_payloads_are_inert_in_downloaded_csv_and_xlsx(
    app: Flask, world: dict[str, Any], tmp_path: Path, payload: str
) -> None:
    import openpyxl

    key = world["real"]["key"][0]
    resident = app.test_client()
    submit(resident, answer_all(resident, start(resident, key), {"opmerkingen": payload}))
    admin = world["admin"]
    data = admin.get(f"/planner/bevragingen/{key}/antwoorden.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(data.lstrip("\ufeff")), delimiter=_delimiter(data)))
    assert rows[-1]["opmerkingen"] == "'" + payload
    assert rows[-1]["leeftijd"] == "42"  # numbers untouched
    workbook = openpyxl.load_workbook(
        io.BytesIO(admin.get(f"/planner/bevragingen/{key}/antwoorden.xlsx").get_data())
    )
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    last = [c for c in sheet[sheet.max_row]]
    text_cell = last[header.index("opmerkingen")]
    age_cell = last[header.index("leeftijd")]
    # A string cell holds the text as typed: no formula, no apostrophe.
    assert text_cell.data_type == "s" and text_cell.value == payload
    assert age_cell.data_type == "n" and age_cell.value == 42


def _delimiter(data: str) -> str:
    first = data.splitlines()[0]
    return ";" if first.count(";") > first.count(",") else ","


def test_login_and_password_fields_take_any_bytes(app: Flask, client: Any) -> None:
    make_user(app, "ana@zone.be", "planner")
    for email, password in (
        ("ana@zone.be\x00", PASSWORD),
        ("\ud800", "x"),
        ("a" * 10_000, "b" * 100_000),
    ):
        page = Page(client.get("/planner/aanmelden"))
        form = page.form()
        form.fields["email"].value = email.encode("utf-8", "replace").decode()
        form.fields["password"].value = password
        assert form.submit(client).status_code in (400, 401)
