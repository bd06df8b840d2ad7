"""The `surveys` commands and `demo`, as a planner runs them."""

from __future__ import annotations

from pathlib import Path

import yaml
from support import PARTNER_FILE, RESIDENT_FILE


def test_import_export_import_gives_the_same_survey(runner, app, tmp_path: Path) -> None:
    result = runner.invoke(args=["surveys", "import", str(RESIDENT_FILE)])
    assert result.exit_code == 0, result.output
    assert "burgers-2026 imported" in result.output

    out = tmp_path / "export.yaml"
    result = runner.invoke(args=["surveys", "export", "burgers-2026", "--out", str(out)])
    assert result.exit_code == 0, result.output
    exported = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert exported == yaml.safe_load(RESIDENT_FILE.read_text(encoding="utf-8"))

    result = runner.invoke(args=["surveys", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert "updated to version 2" in result.output

    from survey.definitions.store import find_survey
    from survey.extensions import db

    with app.app_context():
        survey = find_survey(db.session, "burgers-2026")
        assert survey is not None
        assert survey.definition == exported
        assert [v.name for v in survey.variables][:3] == [
            "buurtscore",
            "problemen.snelheid",
            "problemen.agressief_rijden",
        ]


def test_validate_lists_every_problem_and_exits_non_zero(runner, tmp_path: Path) -> None:
    bad = yaml.safe_load(RESIDENT_FILE.read_text(encoding="utf-8"))
    bad["audience"] = "iedereen"
    bad["pages"][0]["questions"][1]["rows"][1]["key"] = "snelheid"
    bad["pages"][1]["questions"][0]["scale"] = "bestaat_niet"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(args=["surveys", "validate", str(path)])
    assert result.exit_code != 0
    assert "audience: 'iedereen'" in result.output
    assert "pages[0].questions[1].rows[1].key: 'snelheid' is used twice" in result.output
    assert "pages[1].questions[0].scale: 'bestaat_niet' is not defined" in result.output
    assert "3 problem(s)" in result.output


def test_invalid_file_is_not_imported(runner, app, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("format: 1\nkey: x\n", encoding="utf-8")
    result = runner.invoke(args=["surveys", "import", str(path)])
    assert result.exit_code != 0
    result = runner.invoke(args=["surveys", "list"])
    assert "no surveys" in result.output


def test_open_close_reopen_and_frozen_definition(runner) -> None:
    assert runner.invoke(args=["surveys", "import", str(PARTNER_FILE)]).exit_code == 0
    result = runner.invoke(args=["surveys", "close", "partners-2026"])
    assert result.exit_code != 0 and "draft and cannot become closed" in result.output
    assert runner.invoke(args=["surveys", "open", "partners-2026"]).exit_code == 0
    result = runner.invoke(args=["surveys", "import", str(PARTNER_FILE)])
    assert result.exit_code != 0 and "only a draft can get a new version" in result.output
    assert runner.invoke(args=["surveys", "close", "partners-2026"]).exit_code == 0
    assert runner.invoke(args=["surveys", "open", "partners-2026"]).exit_code == 0
    result = runner.invoke(args=["surveys", "list"])
    assert "partners-2026\tpartner\tpartner\topen\t0" in result.output


def test_unknown_survey_and_missing_file_fail_with_one_line(runner, tmp_path: Path) -> None:
    for args in (
        ["surveys", "open", "nope"],
        ["surveys", "export", "nope"],
        ["surveys", "validate", str(tmp_path / "missing.yaml")],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code != 0
        assert result.output.strip().count("\n") == 0, result.output
        assert "Traceback" not in result.output


def test_demo_is_synthetic_deterministic_and_idempotent(runner, app) -> None:
    from sqlalchemy import func, select

    from survey.extensions import db
    from survey.models import Answer, Consultation, PartnerLink, Response

    result = runner.invoke(args=["demo", "--residents", "120", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "synthetic" in result.output
    with app.app_context():
        responses = db.session.scalars(select(Response)).all()
        assert len(responses) > 120
        assert all(r.synthetic for r in responses)
        consultation = db.session.scalar(select(Consultation))
        assert consultation is not None and "synthetische" in consultation.title
        # The demo surveys speak French: a French report says "synthetic" in French.
        assert consultation.text_in("title", "fr") == (
            "DÉMO - données synthétiques - PZS 2026-2031",
            "fr",
        )
        source, language = consultation.text_in("margins_source", "fr")
        assert "synthétiques" in source and language == "fr"
        # The planners' partner status shows who sent: every partner response
        # has a link marked as submitted.
        partner_responses = [r for r in responses if r.partner_id is not None]
        sent = db.session.scalars(select(PartnerLink).where(PartnerLink.submitted_at.is_not(None)))
        assert sorted(link.organisation_id for link in sent) == sorted(
            r.partner_id for r in partner_responses
        )
        first = db.session.execute(
            select(Answer.code, func.count()).group_by(Answer.code).order_by(Answer.code)
        ).all()
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already loaded" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == len(responses)
    # Same seed, same data: wipe and load again.
    from support import wipe_database

    wipe_database(app)
    assert runner.invoke(args=["demo", "--residents", "120", "--seed", "7"]).exit_code == 0
    with app.app_context():
        second = db.session.execute(
            select(Answer.code, func.count()).group_by(Answer.code).order_by(Answer.code)
        ).all()
    assert first == second
