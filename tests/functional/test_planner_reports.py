"""The input report in the planners' workspace: the page with its options,
the downloads (PDF, XLSX, JSON, HTML) parsed back, access, bad options and
unknown surveys."""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
from typing import Any

import pytest
from flask import Flask
from formtools import Page
from planner_helpers import (
    load_demo_residents,
    log_in,
    logged_in,
    made_pdf,
    make_user,
    msg,
    pdf_form,
)

KEY = "burgers-2026"
PARTNER_KEY = "partners-2026"
REPORT_URL = f"/planner/rapporten/{KEY}"
FILENAME_RE = re.compile(
    r'attachment; filename="inputrapport-burgers-2026-\d{4}-\d{2}-\d{2}\.(\w+)"'
)
CONTRACT_KEYS = {
    "format",
    "survey",
    "responses",
    "weighting",
    "suppression_threshold",
    "questions",
    "priorities",
}


@pytest.fixture
def demo(app: Flask) -> str:
    """The demo consultation with 200 synthetic residents and its margins."""
    return load_demo_residents(app, 200)


def viewer(app: Flask, client: Any) -> Any:
    return logged_in(app, client, "viewer")


def download_links(page: Page) -> dict[str, str]:
    links = re.findall(r'href="([^"]*/inputrapport\.(\w+)[^"]*)"', page.html)
    return {fmt: html.unescape(href) for href, fmt in links}


def responses_on_page(page: Page) -> int:
    found = re.search(r'<dd id="report-responses">(\d+)</dd>', page.html)
    assert found, page.text[:2000]
    return int(found.group(1))


def show(client: Any, page: Page, **values: str) -> Page:
    """Fill the options form (a GET form) and show the report."""
    form = next(f for f in page.forms if "threshold" in f.fields)
    for name, value in values.items():
        form.set(name, value)
    return Page(client.get(form.action, query_string=form.data()))


def test_anonymous_visitor_is_sent_to_the_login_page(app: Flask, client: Any, resident_survey):
    for path in (
        "/planner/rapporten/",
        REPORT_URL,
        f"{REPORT_URL}/inputrapport.pdf",
        f"{REPORT_URL}/inputrapport.json?threshold=5",
        "/planner/rapporten/report.css",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/planner/aanmelden" in response.location
        assert b"input-report" not in response.data


@pytest.mark.parametrize("role", ["viewer", "planner", "admin"])
def test_every_role_may_read_the_report(app: Flask, client: Any, resident_survey, role):
    logged_in(app, client, role)
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert 'class="input-report"' in response.get_data(as_text=True)
    assert responses_on_page(Page(response)) == 0
    # The survey's menu follows the role (raw exports: planners and admins).
    html = response.get_data(as_text=True)
    assert 'class="subnav"' in html
    assert (f'href="/planner/bevragingen/{KEY}/exporteren"' in html) == (role != "viewer")


def test_viewer_reads_the_report_and_downloads_every_format(
    app: Flask, client: Any, demo, tmp_path
):
    viewer(app, client)
    # The workspace links to the reports: navigation, overview, survey page.
    home = Page(client.get("/planner/"))
    assert 'href="/planner/rapporten/"' in home.html
    overview = Page(client.get("/planner/rapporten/"))
    assert overview.response.status_code == 200
    assert f'href="{REPORT_URL}"' in overview.html
    assert f'href="/planner/rapporten/{PARTNER_KEY}"' in overview.html
    survey_page = Page(client.get(f"/planner/bevragingen/{KEY}"))
    assert f'href="{REPORT_URL}"' in survey_page.html

    page = Page(client.get(REPORT_URL))
    assert page.response.status_code == 200
    assert page.response.headers["Cache-Control"] == "no-store"
    assert 'href="/planner/rapporten/report.css"' in page.html
    assert "<style" not in page.html and "style=" not in page.html  # the CSP forbids them
    assert 'class="input-report"' in page.html
    assert responses_on_page(page) == 200
    # Weighted by default, with the consultation's stored margins.
    key_figures = page.html.split('class="input-report"', 1)[0]
    assert msg(app, "Weighting") in key_figures
    assert msg(app, "not weighted") not in key_figures

    css = client.get("/planner/rapporten/report.css")
    assert css.status_code == 200
    assert css.mimetype == "text/css"
    assert ".input-report" in css.get_data(as_text=True)

    # Options: no cross-tabs (the PDF is quicker), a higher threshold.
    page = show(client, page, threshold="12", crosstabs="off")
    assert page.response.status_code == 200
    shown = responses_on_page(page)
    links = download_links(page)
    assert set(links) == {"xlsx", "json", "html", "docx", "zip"}
    # The PDF is asked for with a button: made in the background (test_report_pdf.py).
    asked_for = pdf_form(page).action
    for href in [*links.values(), asked_for]:
        assert "threshold=12" in href and "crosstabs=off" in href and "weighting=on" in href

    files: dict[str, bytes] = {}
    for fmt, href in links.items():
        response = client.get(href)
        assert response.status_code == 200, (fmt, response.status_code)
        assert response.headers["Cache-Control"] == "no-store"
        match = FILENAME_RE.fullmatch(response.headers["Content-Disposition"])
        assert match and match.group(1) == fmt, response.headers["Content-Disposition"]
        files[fmt] = response.data
    files["pdf"] = made_pdf(app, client, page)

    report = json.loads(files["json"])
    assert report["generated_on"] in client.get(links["json"]).headers["Content-Disposition"]
    assert set(report) >= CONTRACT_KEYS
    assert report["survey"] == KEY
    assert report["responses"] == shown == 200
    assert report["suppression_threshold"] == 12
    assert report["crosstabs"] == []
    assert report["weighting"] and report["weighting"]["dimensions"]
    # The 200 residents leave a small group (sex "Anders") out of the
    # weighting: the weighting totals are hidden, and with them the design
    # effect and effective n, which the page says instead of showing them.
    assert report["weighting"]["totals_suppressed"] is True
    assert report["weighting"]["effective_n"] is None
    assert "designeffect en effectieve n niet gepubliceerd" in page.text

    assert files["pdf"].startswith(b"%PDF")
    # The editable version and the charts are zip containers (DOCX is one).
    assert files["docx"].startswith(b"PK") and files["zip"].startswith(b"PK")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(files["pdf"])
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert report["title"] in " ".join(text.split())

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(files["xlsx"]), read_only=True)
    assert len(workbook.sheetnames) > 1
    cells = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert report["title"] in " ".join(cells) or KEY in " ".join(cells)

    document = files["html"].decode("utf-8")
    assert document.lstrip().lower().startswith("<!doctype html")
    assert "<style>" in document and ".input-report" in document
    assert html.escape(report["title"]) in document


def test_the_options_reach_the_model(app: Flask, client: Any, demo):
    viewer(app, client)

    def model(**query: str) -> dict[str, Any]:
        response = client.get(f"{REPORT_URL}/inputrapport.json", query_string=query)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return json.loads(response.data)

    default = model()
    assert default["suppression_threshold"] == app.config["SUPPRESSION_THRESHOLD"]
    assert default["weighting"]["trim"] is None
    assert default["crosstabs"]
    unweighted = model(weighting="off")
    assert unweighted["weighting"] is None
    options = [o for q in unweighted["questions"] for o in q.get("options") or []]
    assert options and all(o.get("weighted_percent") is None for o in options)
    assert any(
        o.get("weighted_percent") is not None
        for q in default["questions"]
        for o in q.get("options") or []
    )
    trimmed = model(trim="1,5")  # a decimal comma, the Dutch way
    assert trimmed["weighting"]["trim"] == 1.5
    # The weight range is withheld with the weighting totals (a small group
    # is left out of the weighting): the cap shows in the weighted shares.
    assert default["weighting"]["max_weight"] is None
    assert weighted_shares(trimmed) != weighted_shares(default)
    strict = model(threshold="60")
    assert strict["suppression_threshold"] == 60
    assert any(o.get("suppressed") for q in strict["questions"] for o in q.get("options", []) or [])
    # The page says when weighting is asked for but there are no margins.
    page = Page(client.get(f"/planner/rapporten/{PARTNER_KEY}"))
    assert page.response.status_code == 200
    assert msg(app, "not weighted: there are no population margins for this survey") in page.text


def weighted_shares(report: dict[str, Any]) -> list[Any]:
    return [o.get("weighted_percent") for q in report["questions"] for o in q.get("options") or []]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"threshold": "abc"}, "threshold", "suppression"),
        ({"threshold": "0"}, "threshold", "suppression"),
        ({"threshold": "101"}, "threshold", "suppression"),
        ({"threshold": "1e3"}, "threshold", "suppression"),
        ({"trim": "1"}, "trim", "trim"),
        ({"trim": "nan"}, "trim", "trim"),
        ({"trim": "inf"}, "trim", "trim"),
        ({"trim": "vijf"}, "trim", "trim"),
        ({"weighting": "misschien"}, "weighting", "weighting"),
        ({"crosstabs": "\x00"}, "crosstabs", "crosstabs"),
    ],
)
def test_invalid_options_give_a_message_not_a_report(
    app: Flask, client: Any, resident_survey, query, field, message
):
    viewer(app, client)
    messages = {
        "suppression": msg(
            app,
            "Enter a whole number from %(low)s to %(high)s as the suppression threshold.",
            low=1,
            high=100,
        ),
        "trim": msg(
            app,
            "Enter a number above 1 and at most %(high)s as the weight cap "
            "(for example 5), or leave it empty.",
            high=100,
        ),
        "weighting": msg(app, "Choose whether the figures are weighted."),
        "crosstabs": msg(app, "Choose whether the results by group are shown."),
    }
    for path in (
        REPORT_URL,
        f"{REPORT_URL}/inputrapport.pdf",
        f"{REPORT_URL}/inputrapport.json",
        f"{REPORT_URL}/pdf",
    ):
        response = client.get(path, query_string=query)
        assert response.status_code == 400, (path, response.status_code)
        assert response.mimetype == "text/html"
        assert "Content-Disposition" not in response.headers
        page = Page(response)
        assert messages[message] in page.text
        assert 'class="error-summary"' in page.html and f'href="#opt-{field}' in page.html
        assert 'class="input-report"' not in page.html
        # The form keeps what was typed, so it can be corrected.
        assert page.form().fields["threshold"]


def test_unknown_survey_or_format_is_a_dutch_404(app: Flask, client: Any, resident_survey):
    viewer(app, client)
    for path in (
        "/planner/rapporten/bestaat-niet",
        "/planner/rapporten/bestaat-niet/inputrapport.pdf",
        f"{REPORT_URL}/inputrapport.exe",
        f"{REPORT_URL}/inputrapport.csv",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert msg(app, "Page not found") in Page(response).text


def test_a_viewer_cannot_reach_planner_only_pages_from_the_report(app: Flask, client: Any, demo):
    # The layout's navigation on the report page follows the role.
    make_user(app, "ad@zone.be", "admin")
    viewer(app, client)
    page = Page(client.get("/planner/rapporten/"))
    assert 'href="/planner/gebruikers"' not in page.html
    admin = app.test_client()
    assert log_in(admin, "ad@zone.be").status_code == 302
    assert 'href="/planner/gebruikers"' in Page(admin.get("/planner/rapporten/")).html


def test_unusable_margins_give_an_unweighted_report_that_says_why(
    app: Flask, client: Any, demo
) -> None:
    """Margins that cannot weight this survey never block the report: every
    page and download is the unweighted report, saying why in Dutch."""
    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import Consultation, PopulationMargin

    with app.app_context():
        consultation = db.session.scalars(select(Consultation)).one()
        for code in (1, 2):
            db.session.add(
                PopulationMargin(
                    consultation_id=consultation.id, dimension="opleiding", code=code, population=5
                )
            )
        db.session.commit()
    viewer(app, client)
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    page = Page(response)
    assert "opleiding" in page.text and "geen vraag van deze bevraging vraagt ernaar" in page.text
    assert "Alle cijfers in dit rapport zijn ongewogen" in page.text
    assert 'class="error-summary"' not in page.html
    assert "no question of survey" not in page.text
    for fmt in ("xlsx", "html"):
        response = client.get(f"{REPORT_URL}/inputrapport.{fmt}")
        assert response.status_code == 200, fmt
        assert "attachment" in response.headers["Content-Disposition"]
    assert made_pdf(app, client, page).startswith(b"%PDF")
    report = json.loads(client.get(f"{REPORT_URL}/inputrapport.json").data)
    assert report["weighting"] is None and report["estimates"] == "unweighted"
    assert report["weighting_problem"]["kind"] == "unknown_margin_dimension"
    assert report["responses"] == 200


@pytest.mark.parametrize("trim", ["1.0001", "100", "1,01"])
def test_extreme_weight_caps_do_not_fail(app: Flask, client: Any, demo, trim):
    viewer(app, client)
    response = client.get(
        f"{REPORT_URL}/inputrapport.json", query_string={"trim": trim, "crosstabs": "off"}
    )
    assert response.status_code in (200, 422), response.status_code
    if response.status_code == 200:
        weighting = json.loads(response.data)["weighting"]
        assert weighting["trim"] == float(trim.replace(",", "."))
        # A cap the margins cannot live with: the report says so.
        kinds = {w["kind"] for w in weighting["warnings"]}
        assert ("margins_not_reached" in kinds) == (not weighting["converged"])
        if trim == "1.0001":
            assert not weighting["converged"] and "margins_not_reached" in kinds


def test_margin_category_without_respondents_is_explained_in_dutch(
    app: Flask, client: Any, demo
) -> None:
    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import PopulationMargin

    with app.app_context():
        margin = db.session.scalars(select(PopulationMargin)).first()
        assert margin is not None
        dimension = margin.dimension
        db.session.add(
            PopulationMargin(
                consultation_id=margin.consultation_id,
                dimension=dimension,
                code=97,
                population=1000,
            )
        )
        db.session.commit()
    viewer(app, client)
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    text = Page(response).text
    assert "code 97 heeft een bevolkingsaantal in de marges, maar nog geen respondenten" in text
    assert "voeg anders de groep samen met een naburige groep" in text
    assert "has a population" not in text


def french(app: Flask, text: str) -> str:
    """A report text as the French report prints it."""
    from flask_babel import force_locale, gettext

    with app.test_request_context("/planner/"), force_locale("fr"):
        return str(gettext(text))


def test_a_planner_has_the_report_written_in_french_and_every_download_follows(
    app: Flask, client: Any, demo
):
    viewer(app, client)
    page = Page(client.get(REPORT_URL))
    options = next(f for f in page.forms if "threshold" in f.fields)
    # The survey speaks nl, fr, en and de; the report is complete in nl and fr only.
    assert options.fields["language"].options == ["nl", "fr"]
    assert options.fields["language"].selected == ["nl"]
    summary_fr = french(app, "How the consultation was done")
    assert summary_fr != msg(app, "How the consultation was done")
    assert summary_fr not in page.text

    shown = show(client, page, language="fr")
    assert shown.response.status_code == 200
    assert summary_fr in shown.text
    # The workspace around the report stays in the planner's language.
    assert msg(app, "Options") in shown.text
    again = next(f for f in shown.forms if "threshold" in f.fields)
    assert again.fields["language"].selected == ["fr"]
    links = download_links(shown)
    assert set(links) >= {"docx", "html", "json", "xlsx", "zip"}
    assert all("language=fr" in href for href in links.values()), links

    import docx  # python-docx

    word = docx.Document(io.BytesIO(client.get(links["docx"]).data))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert any(summary_fr in h for h in headings), headings[:10]
    standalone = client.get(links["html"]).get_data(as_text=True)
    assert summary_fr in html.unescape(standalone)

    data = made_pdf(app, client, shown)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert summary_fr in text

    # The same figures in both languages.
    dutch = json.loads(client.get(f"{REPORT_URL}/inputrapport.json").data)
    in_french = json.loads(client.get(links["json"]).data)
    assert [q.get("valid") for q in dutch["questions"]] == [
        q.get("valid") for q in in_french["questions"]
    ]


@pytest.mark.parametrize("language", ["de", "en", "tr", "<script>"])
def test_a_language_the_report_is_not_written_in_is_refused_in_dutch(
    app: Flask, client: Any, resident_survey, language: str
):
    viewer(app, client)
    for path in (REPORT_URL, f"{REPORT_URL}/inputrapport.docx", f"{REPORT_URL}/pdf"):
        response = client.get(path, query_string={"language": language})
        assert response.status_code == 400, (path, response.status_code)
        page = Page(response)
        assert msg(app, "Choose one of the languages offered for the report.") in page.text
        assert 'href="#opt-language"' in page.html
        assert "<script>" not in page.html.split('id="opt-language"')[0].split("error-summary")[-1]
