"""The deployment tests start their own PostgreSQL, Redis, gunicorn and nginx
whatever the pass, so they run once: in the PostgreSQL pass of ``make test``
(``SURVEY_TEST_DATABASE=postgresql``). They are slow by nature."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    elsewhere = pytest.mark.skipif(
        os.environ.get("SURVEY_TEST_DATABASE") != "postgresql",
        reason="deployment tests run once, in the PostgreSQL pass of make test "
        "(SURVEY_TEST_DATABASE=postgresql)",
    )
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.slow)
            item.add_marker(elsewhere)
