"""The configured suppression threshold is a floor: per role on the web,
and on the command line, a report may raise it and nobody can lower it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from formtools import Page
from planner_helpers import logged_in
from report_data import generate, load
from report_text import READ


@pytest.fixture
def mini(app: Flask, tmp_path: Path) -> str:
    return load(app, tmp_path, generate())


def report_json(client: Any, key: str, threshold: str) -> dict[str, Any]:
    response = client.get(
        f"/planner/rapporten/{key}/inputrapport.json",
        query_string={"threshold": threshold, "crosstabs": "off"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return dict(json.loads(response.get_data()))


def rare_option(report: dict[str, Any]) -> dict[str, Any]:
    table = next(q for q in report["questions"] if q["key"] == "veilig")
    return next(o for o in table["options"] if o["code"] == 1)  # 4 answers


@pytest.mark.parametrize("role", ["viewer", "planner", "admin"])
def test_no_role_can_lower_the_threshold_from_an_address(
    app: Flask, client: Any, mini: str, role: str
) -> None:
    floor = app.config["SUPPRESSION_THRESHOLD"]
    logged_in(app, client, role)
    for asked in ("1", "2", str(floor - 1)):
        report = report_json(client, mini, asked)
        assert report["suppression_threshold"] == floor
        # The 4 answers of the rare option stay hidden.
        assert rare_option(report)["suppressed"] is True
        assert rare_option(report)["count"] is None
    # The page says the floor was used, in Dutch.
    page = Page(client.get(f"/planner/rapporten/{mini}", query_string={"threshold": "1"}))
    assert page.response.status_code == 200
    assert f"Een drempel lager dan {floor} kan niet" in page.text
    # Every download address of the report publishes the report at the
    # floor: the same document, figure for figure, as when asked for it.
    for fmt in ("html", "xlsx", "docx"):
        asked, at_floor = (
            download(client, mini, fmt, threshold) for threshold in ("1", str(floor))
        )
        assert asked == at_floor, fmt


def download(client: Any, key: str, fmt: str, threshold: str) -> str:
    """A download of the report, as the text a reader gets out of it."""
    response = client.get(
        f"/planner/rapporten/{key}/inputrapport.{fmt}",
        query_string={"threshold": threshold, "crosstabs": "off"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return READ[fmt](response.get_data())


@pytest.mark.parametrize("role", ["viewer", "planner"])
def test_any_role_may_raise_the_threshold(app: Flask, client: Any, mini: str, role: str) -> None:
    logged_in(app, client, role)
    report = report_json(client, mini, "15")
    assert report["suppression_threshold"] == 15
    assert report["disclosure"]["audited"] is True


def test_the_command_line_reads_the_configured_threshold(
    app: Flask, mini: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # monkeypatch: the app is shared by the session, the floor is not.
    monkeypatch.setitem(app.config, "SUPPRESSION_THRESHOLD", 12)
    runner = app.test_cli_runner()
    out = tmp_path / "r.json"
    result = runner.invoke(args=["report", "build", mini, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["suppression_threshold"] == 12
    raised = runner.invoke(args=["report", "build", mini, "--threshold", "20", "--out", str(out)])
    assert raised.exit_code == 0, raised.output
    assert json.loads(out.read_text(encoding="utf-8"))["suppression_threshold"] == 20


def test_the_command_line_refuses_a_lower_threshold(
    app: Flask, mini: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "SUPPRESSION_THRESHOLD", 12)
    out = tmp_path / "r.json"
    result = app.test_cli_runner().invoke(
        args=["report", "build", mini, "--threshold", "5", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "below the configured suppression threshold 12" in result.output
    assert not out.exists()


def test_the_configuration_refuses_a_threshold_that_switches_suppression_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from survey.config import ConfigError, build_config

    monkeypatch.setenv("SURVEY_SUPPRESSION_THRESHOLD", "1")
    with pytest.raises(ConfigError, match="SURVEY_SUPPRESSION_THRESHOLD"):
        build_config(str(tmp_path), {"SURVEY_ENV": "testing"})


def test_the_command_line_and_the_web_read_the_partner_sector_minimum(
    app: Flask, client: Any, mini: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PARTNER_SECTOR_MIN", 5)
    out = tmp_path / "r.json"
    result = app.test_cli_runner().invoke(args=["report", "build", mini, "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["priority_method"]["sector_min_n"] == 5
    logged_in(app, client, "viewer")
    assert report_json(client, mini, "10")["priority_method"]["sector_min_n"] == 5
