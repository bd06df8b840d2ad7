"""Configuration from SURVEY_* variables; no secret, no production start."""

from __future__ import annotations

import pytest

from survey import create_app
from survey.config import ConfigError, build_config


def test_production_refuses_to_start_without_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    monkeypatch.setenv("SURVEY_ENV", "production")
    with pytest.raises(ConfigError, match="SURVEY_SECRET_KEY"):
        create_app()


def test_environment_variables_configure_the_app(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("SURVEY_ENV", "production")
    monkeypatch.setenv("SURVEY_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("SURVEY_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite")
    monkeypatch.setenv("SURVEY_SUPPRESSION_THRESHOLD", "5")
    config = build_config(str(tmp_path))
    assert config["SECRET_KEY"] == "s" * 40
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite")
    assert config["SUPPRESSION_THRESHOLD"] == 5
    assert config["SESSION_COOKIE_SECURE"] is True


def test_development_gets_a_default_database_and_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    monkeypatch.delenv("SURVEY_DATABASE_URL", raising=False)
    monkeypatch.setenv("SURVEY_ENV", "development")
    config = build_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/survey.sqlite"
    assert config["SESSION_COOKIE_SECURE"] is False


def test_a_bad_number_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("SURVEY_SUPPRESSION_THRESHOLD", "ten")
    with pytest.raises(ConfigError, match="whole number"):
        build_config(str(tmp_path))
