"""Writers: the HTML fragment for the planner workspace and the PDF
renderer that fetches nothing but data: URLs."""

from __future__ import annotations

from typing import Any

import pytest

from survey.reporting.html_writer import render_report_html
from survey.reporting.pdf_writer import DataOnlyFetcher, render_pdf


def tiny_model() -> dict[str, Any]:
    return {
        "format": 1,
        "survey": "x-2026",
        "audience": "citizen",
        "title": "Bevraging <script>alert(1)</script>",
        "consultation": {"key": "c", "title": "Consultatie"},
        "generated_on": "2026-11-25",
        "language": "nl",
        "responses": 40,
        "responses_by_mode": {"web": 40},
        "weighting": None,
        "suppression_threshold": 10,
        "base_rules": {"hidden_below": 30, "unreliable_below": 100},
        "pages": [{"key": "p", "title": "Thema"}],
        "questions": [
            {
                "key": "q",
                "type": "single",
                "page": "p",
                "page_title": "Thema",
                "text": "Vraag?",
                "valid": 40,
                "missing": 0,
                "base_flag": "unreliable",
                "options": [
                    {
                        "code": 1,
                        "label": "Ja",
                        "count": 31,
                        "percent": 77.5,
                        "ci95": [62.5, 87.68],
                        "suppressed": False,
                    },
                    {
                        "code": 2,
                        "label": "Nee",
                        "count": None,
                        "percent": None,
                        "ci95": None,
                        "suppressed": True,
                    },
                    {
                        "code": 3,
                        "label": "Soms",
                        "count": None,
                        "percent": None,
                        "ci95": None,
                        "suppressed": True,
                    },
                ],
            }
        ],
        "crosstabs": [],
        "priorities": [],
        "priority_method": {
            "weights": {"concern": 1.0},
            "weights_source": "default",
            "bootstrap": {"samples": 10, "seed": 1, "level": 0.95},
            "sensitivity": {"top": 5, "delta": 0.2, "stable": True, "base_top": [], "changes": []},
            "sector_min_n": 3,
        },
        "free_text": {"comments": 0, "untagged": 0, "themes": []},
        "partner_input": {"surveys": [], "responses": 0, "by_sector": {}, "quotes": []},
    }


def test_fragment_for_the_workspace(app_ctx: object) -> None:
    html = render_report_html(tiny_model())
    assert "<html" not in html and "<style" not in html
    assert "<script>" not in html  # survey texts are escaped
    assert "77,50" in html
    assert 'class="x"' in html
    whole = render_report_html(tiny_model(), standalone=True)
    assert whole.lstrip().startswith("<!DOCTYPE html>") and "<style>" in whole


def test_pdf_fetches_nothing_but_data_urls(app_ctx: object) -> None:
    fetcher = DataOnlyFetcher()
    for url in ("file:///etc/hostname", "http://127.0.0.1/x.css", "https://example.org/a.png"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert render_pdf(tiny_model()).startswith(b"%PDF")
