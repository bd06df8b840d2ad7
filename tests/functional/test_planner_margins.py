"""Population margins and objective indicators: CSV upload with per-row
errors in Dutch, all or nothing; and their commands."""

from __future__ import annotations

from formtools import Page
from planner_helpers import logged_in, msg, row_prefix, submit_file
from sqlalchemy import func, select

CONSULTATION = "zvp-2026-2031"


def test_margins_upload_refuses_bad_rows_and_stores_good_files(app, client, resident_survey):
    from survey.extensions import db
    from survey.models import PopulationMargin

    logged_in(app, client, "planner")
    url = f"/planner/raadplegingen/{CONSULTATION}/marges"
    bad = b"dimension,code,population\ndistrict,1,1200\ndistrict,x,5\nsex,1,-3\ndistrict,1,9\n"
    response = submit_file(client, Page(client.get(url)), bad, "m.csv")
    assert response.status_code == 422
    text = Page(response).text
    assert all(f"{row_prefix(app, n)}:" in text for n in (3, 4, 5)), text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PopulationMargin)) == 0
    good = "dimension;code;population\ndistrict;1;1200\ndistrict;2;800\nsex;1;1000\nsex;2;1000\n"
    response = submit_file(client, Page(client.get(url)), good.encode("utf-8-sig"), "m.csv")
    assert response.status_code == 302
    # A second upload of one dimension replaces only that dimension.
    one = b"dimension,code,population\nsex,1,7\n"
    response = submit_file(client, Page(client.get(url)), one, "m.csv")
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.execute(
            select(
                PopulationMargin.dimension, PopulationMargin.code, PopulationMargin.population
            ).order_by(PopulationMargin.dimension, PopulationMargin.code)
        ).all()
    assert [tuple(r) for r in rows] == [("district", 1, 1200), ("district", 2, 800), ("sex", 1, 7)]


def test_missing_columns_and_not_utf8(app, client, resident_survey):
    logged_in(app, client, "planner")
    url = f"/planner/raadplegingen/{CONSULTATION}/marges"
    response = submit_file(client, Page(client.get(url)), b"dim,code\nx,1\n", "m.csv")
    assert response.status_code == 422 and "dimension" in Page(response).text
    response = submit_file(client, Page(client.get(url)), b"\xff\xfe\x00d", "m.csv")
    assert response.status_code == 422


def test_indicators_upload(app, client, resident_survey):
    from survey.extensions import db
    from survey.models import ObjectiveIndicator

    logged_in(app, client, "planner")
    url = f"/planner/raadplegingen/{CONSULTATION}/indicatoren"
    bad = (
        b"phenomenon,year,value\ninbraak,2024,412\nonbekend,2024,1\ndrugs,20x4,1\ndrugs,2024,veel\n"
    )
    response = submit_file(client, Page(client.get(url)), bad, "i.csv")
    assert response.status_code == 422
    text = Page(response).text
    assert all(f"{row_prefix(app, n)}:" in text for n in (3, 4, 5)), text
    good = (
        "phenomenon,year,value,unit,source\n"
        "inbraak,2024,412,feiten,criminaliteitsbarometer\n"
        'drugs,2024,"133,5",per 10.000 inwoners,barometer\n'
    )
    response = submit_file(client, Page(client.get(url)), good.encode(), "i.csv")
    assert response.status_code == 302, Page(response).text[:800]
    with app.app_context():
        values = dict(
            db.session.execute(
                select(ObjectiveIndicator.phenomenon_key, ObjectiveIndicator.value)
            ).all()
        )
    assert values == {"inbraak": 412.0, "drugs": 133.5}
    page = Page(client.get(f"/planner/raadplegingen/{CONSULTATION}"))
    assert "criminaliteitsbarometer" in page.text


def test_margins_and_indicators_commands(app, runner, resident_survey, tmp_path):
    margins = tmp_path / "m.csv"
    margins.write_text("dimension,code,population\nage,1,100\nage,2,200\n")
    result = runner.invoke(args=["margins", "import", CONSULTATION, str(margins)])
    assert result.exit_code == 0 and "2 margins stored" in result.output
    assert "warning:" not in result.output
    # a second dimension whose population adds up to another total: stored, with a warning
    sex = tmp_path / "s.csv"
    sex.write_text("dimension,code,population\nsex,1,140\nsex,2,150\n")
    result = runner.invoke(args=["margins", "import", CONSULTATION, str(sex)])
    assert result.exit_code == 0 and "2 margins stored" in result.output
    assert "warning:" in result.output and "verschillende totalen" in result.output
    bad = tmp_path / "b.csv"
    bad.write_text("dimension,code,population\nage,1,honderd\n")
    result = runner.invoke(args=["margins", "import", CONSULTATION, str(bad)])
    assert result.exit_code != 0 and f"{row_prefix(app, 2)}:" in result.output
    indicators = tmp_path / "i.csv"
    indicators.write_text("phenomenon,year,value\nverkeer,2023,57\n")
    result = runner.invoke(args=["indicators", "import", CONSULTATION, str(indicators)])
    assert result.exit_code == 0 and "1 indicators stored" in result.output
    result = runner.invoke(args=["indicators", "import", "nope", str(indicators)])
    assert result.exit_code != 0


def test_consultation_and_survey_lifecycle_pages(app, client, resident_survey):
    """Close and reopen from the survey page; a bad consultation key is refused."""
    logged_in(app, client, "planner")
    page = Page(client.get("/planner/bevragingen/burgers-2026"))
    response = page.form().submit(client)  # close
    assert response.status_code == 302
    page = Page(client.get("/planner/bevragingen/burgers-2026"))
    assert msg(app, "Reopen the survey") in page.text
    assert page.form().submit(client).status_code == 302  # reopen
    page = Page(client.get("/planner/raadplegingen/nieuw"))
    response = page.form().set("key", "Bad Key!").submit(client)
    expected = msg(
        app,
        "Use 3 to 64 small letters, digits and hyphens for the key, e.g. zvp-2026-2031.",
    )
    assert response.status_code == 200 and expected in Page(response).text


def test_one_margins_file_is_read_alike_by_the_upload_the_command_and_the_report(
    app, client, runner, resident_survey, tmp_path
):
    """The upload, `margins import` and `report build --margins` read a
    margins file by the same rules: a file without a header is accepted by
    all three, a decimal or a 5,000-digit population is refused by all three
    with the same sentence."""
    logged_in(app, client, "planner")
    url = f"/planner/raadplegingen/{CONSULTATION}/marges"
    path = tmp_path / "m.csv"

    def outcomes(data: bytes) -> list[tuple[bool, str]]:
        path.write_bytes(data)
        upload = submit_file(client, Page(client.get(url)), data, "m.csv")
        command = runner.invoke(args=["margins", "import", CONSULTATION, str(path)])
        out = tmp_path / "report.json"
        report = runner.invoke(
            args=["report", "build", resident_survey, "--out", str(out), "--margins", str(path)]
        )
        return [
            (upload.status_code == 302, Page(upload).text if upload.status_code == 422 else ""),
            (command.exit_code == 0, command.output),
            (report.exit_code == 0, report.output),
        ]

    without_header = b"district;1;1200\ndistrict;2;800\nsex;1;1000\nsex;2;1000\n"
    assert [ok for ok, _text in outcomes(without_header)] == [True, True, True]

    decimal = msg(
        app,
        "Row %(row)s: the population must be a whole number of 0 or more, "
        "with at most %(digits)s digits.",
        row=2,
        digits=9,
    )
    huge = b"dimension,code,population\nsex,1," + b"9" * 5000 + b"\n"
    for data in (b"dimension,code,population\nsex,1,1000.5\n", huge):
        results = outcomes(data)
        assert [ok for ok, _text in results] == [False, False, False]
        assert all(decimal in text for _ok, text in results), results
    with app.app_context():
        from survey.extensions import db
        from survey.models import PopulationMargin

        stored = db.session.scalars(select(PopulationMargin.population)).all()
    assert sorted(stored) == [800, 1000, 1000, 1200]
