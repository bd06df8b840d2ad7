"""How the app tells that several workers would each keep their own
rate-limit counters (it warns at start: tests/deployment/)."""

from __future__ import annotations

import pytest
from flask import Flask

from survey.ratelimits import declared_workers


@pytest.mark.parametrize(
    ("argv", "workers"),
    [
        (["/srv/.venv/bin/gunicorn", "-w", "4", "survey:create_app()"], 4),
        (["gunicorn", "--workers=3", "survey:create_app()"], 3),
        (["gunicorn", "-w8", "survey:create_app()"], 8),
        (["gunicorn", "--workers", "2"], 2),
        (["gunicorn", "survey:create_app()"], 1),
        (["flask", "run", "-w", "4"], 1),
    ],
)
def test_workers_are_read_from_a_gunicorn_command_line(
    app: Flask, monkeypatch: pytest.MonkeyPatch, argv: list[str], workers: int
) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setitem(app.config, "WORKERS", 1)
    assert declared_workers(app, argv) == workers


def test_workers_from_the_environment_come_first(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WORKERS", 1)
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert declared_workers(app, ["gunicorn", "-w", "2"]) == 5
    monkeypatch.setitem(app.config, "WORKERS", 4)  # SURVEY_WORKERS
    assert declared_workers(app, ["gunicorn", "-w", "2"]) == 4
