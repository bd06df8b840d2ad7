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
    monkeypatch.setenv("SURVEY_PUBLIC_BASE_URL", "https://Bevraging.Zone.be/")
    monkeypatch.setenv("SURVEY_PROXY_FIX", "1")
    monkeypatch.setenv("SURVEY_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/2")
    config = build_config(str(tmp_path))
    assert config["SECRET_KEY"] == "s" * 40
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite")
    assert config["SUPPRESSION_THRESHOLD"] == 5
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["PUBLIC_BASE_URL"] == "https://bevraging.zone.be"
    assert config["PROXY_FIX"] == 1
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/2"
    # Production logs are JSON lines, one per request, without SQL parameters.
    assert config["LOG_FORMAT"] == "json"
    assert config["LOG_REQUESTS"] is True
    assert config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True


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


def _production(monkeypatch: pytest.MonkeyPatch, base_url: str | None) -> None:
    monkeypatch.setenv("SURVEY_ENV", "production")
    monkeypatch.setenv("SURVEY_SECRET_KEY", "s" * 40)
    if base_url is None:
        monkeypatch.delenv("SURVEY_PUBLIC_BASE_URL", raising=False)
    else:
        monkeypatch.setenv("SURVEY_PUBLIC_BASE_URL", base_url)


def test_production_refuses_to_start_without_a_public_address(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """Links handed to partners and residents come from configuration, so
    production cannot start without it."""
    _production(monkeypatch, None)
    with pytest.raises(ConfigError, match="SURVEY_PUBLIC_BASE_URL is not set"):
        build_config(str(tmp_path))


@pytest.mark.parametrize(
    ("base_url", "reason"),
    [
        ("http://bevraging.zone.be", "must start with https://"),
        ("https://bevraging.zone.be/bevraging", "scheme://host"),
        ("https://bevraging.zone.be/?x=1", "scheme://host"),
        ("https://admin:pw@bevraging.zone.be", "scheme://host"),
        ("bevraging.zone.be", "must look like"),
        ("https://bevraging.zone.be:99999", "must look like"),
    ],
)
def test_production_refuses_a_public_address_links_cannot_be_made_from(
    monkeypatch: pytest.MonkeyPatch, tmp_path, base_url: str, reason: str
) -> None:
    _production(monkeypatch, base_url)
    with pytest.raises(ConfigError, match=reason):
        build_config(str(tmp_path))


def test_development_links_default_to_the_local_server(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("SURVEY_ENV", "development")
    monkeypatch.delenv("SURVEY_PUBLIC_BASE_URL", raising=False)
    config = build_config(str(tmp_path))
    assert config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
    assert config["LOG_FORMAT"] == "text"
    assert config["LOG_REQUESTS"] is False


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("SURVEY_PROXY_FIX", "9", "SURVEY_PROXY_FIX must be 0 to 5"),
        ("SURVEY_RATELIMIT_CODES_PER_SURVEY", "lots", "is not a limit such as 10/minute"),
        ("SURVEY_LOG_FORMAT", "xml", "SURVEY_LOG_FORMAT must be json or text"),
    ],
)
def test_a_bad_operations_setting_stops_the_start_with_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path, name: str, value: str, reason: str
) -> None:
    _production(monkeypatch, "https://bevraging.zone.be")
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=reason):
        build_config(str(tmp_path))


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ({"SURVEY_SMTP_HOST": "mail.zone.be"}, "SURVEY_SMTP_FROM is not set"),
        (
            {
                "SURVEY_SMTP_HOST": "mail.zone.be",
                "SURVEY_SMTP_FROM": "a@zone.be",
                "SURVEY_SMTP_SECURITY": "tls",
            },
            "SURVEY_SMTP_SECURITY must be starttls, ssl or none",
        ),
        (
            {
                "SURVEY_SMTP_HOST": "mail.zone.be",
                "SURVEY_SMTP_FROM": "a@zone.be",
                "SURVEY_SMTP_USER": "plan",
            },
            "set together or not at all",
        ),
    ],
)
def test_partner_e_mail_settings_are_checked_at_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path, settings: dict[str, str], reason: str
) -> None:
    _production(monkeypatch, "https://bevraging.zone.be")
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=reason):
        build_config(str(tmp_path))


def test_without_an_smtp_host_no_e_mail_is_sent(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from survey.partners.mail import MailSettings

    _production(monkeypatch, "https://bevraging.zone.be")
    monkeypatch.delenv("SURVEY_SMTP_HOST", raising=False)
    assert MailSettings.from_config(build_config(str(tmp_path))) is None
    monkeypatch.setenv("SURVEY_SMTP_HOST", "mail.zone.be")
    monkeypatch.setenv("SURVEY_SMTP_FROM", "Zone <plan@zone.be>")
    settings = MailSettings.from_config(build_config(str(tmp_path)))
    assert settings is not None and (settings.port, settings.security) == (587, "starttls")


def test_the_partner_sector_minimum_is_configured_and_cannot_be_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("SURVEY_ENV", "development")
    monkeypatch.delenv("SURVEY_PARTNER_SECTOR_MIN", raising=False)
    assert build_config(str(tmp_path))["PARTNER_SECTOR_MIN"] == 3
    monkeypatch.setenv("SURVEY_PARTNER_SECTOR_MIN", "4")
    assert build_config(str(tmp_path))["PARTNER_SECTOR_MIN"] == 4
    monkeypatch.setenv("SURVEY_PARTNER_SECTOR_MIN", "1")
    with pytest.raises(ConfigError, match="SURVEY_PARTNER_SECTOR_MIN"):
        build_config(str(tmp_path))


def test_language_fallbacks_are_configured_per_language(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("SURVEY_ENV", "development")
    assert build_config(str(tmp_path))["LANGUAGE_FALLBACKS"] == {"de": ("fr", "nl")}
    monkeypatch.setenv("SURVEY_LANGUAGE_FALLBACKS", " de:fr ; lb : de, fr ;")
    assert build_config(str(tmp_path))["LANGUAGE_FALLBACKS"] == {
        "de": ("fr",),
        "lb": ("de", "fr"),
    }
    monkeypatch.setenv("SURVEY_LANGUAGE_FALLBACKS", "")
    assert build_config(str(tmp_path))["LANGUAGE_FALLBACKS"] == {}
    for bad, reason in (
        ("de", "'de' must look like de:fr,nl"),
        ("de:xx", "'xx' is not a language code"),
        ("de:de,fr", "de cannot fall back to itself"),
        ("de:fr;de:nl", "de has two fallback chains"),
    ):
        monkeypatch.setenv("SURVEY_LANGUAGE_FALLBACKS", bad)
        with pytest.raises(ConfigError, match=f"SURVEY_LANGUAGE_FALLBACKS: {reason}"):
            build_config(str(tmp_path))


def test_the_report_folders_are_set_by_environment_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """Every gunicorn worker (and every instance sharing a volume) must find
    the background PDFs and the report page's charts: an administrator puts
    them on a shared disk with SURVEY_REPORT_PDF_DIR and SURVEY_REPORT_CHART_DIR."""
    from survey.reporting.chart_store import charts_dir
    from survey.reporting.pdf_jobs import jobs_dir

    monkeypatch.setenv("SURVEY_ENV", "development")
    monkeypatch.setenv("SURVEY_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite")
    monkeypatch.setenv("SURVEY_REPORT_PDF_DIR", str(tmp_path / "shared" / "pdfs"))
    monkeypatch.setenv("SURVEY_REPORT_CHART_DIR", str(tmp_path / "shared" / "charts"))
    app = create_app()
    with app.app_context():
        assert jobs_dir() == tmp_path / "shared" / "pdfs"
        assert charts_dir() == tmp_path / "shared" / "charts"
    # Made for the app's user only: they hold reports and their options.
    assert (tmp_path / "shared" / "pdfs").stat().st_mode & 0o777 == 0o700
