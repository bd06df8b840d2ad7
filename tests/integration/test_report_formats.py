"""`report build` in every format: the same numbers, and no suppressed cell
readable in any of them (parsed back: JSON, XLSX with openpyxl, HTML, PDF
text with pdftotext)."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from planner_helpers import row_prefix
from report_data import MARGINS_CSV, generate, load

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def mini(app: Flask, tmp_path: Path) -> str:
    return load(app, tmp_path, generate())


def build(runner: Any, key: str, fmt: str, out: Path, *extra: str) -> Any:
    result = runner.invoke(
        args=["report", "build", key, "--format", fmt, "--out", str(out), *extra]
    )
    assert result.exit_code == 0, result.output
    assert out.exists()
    return result


@pytest.fixture(scope="module")
def outputs(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The four files of one report, built once for the module (the PDF takes
    a few seconds); the tables are wiped again before the next test."""
    from support import wipe_database

    tmp_path = tmp_path_factory.mktemp("report")
    key = load(app, tmp_path, generate())
    margins = tmp_path / "margins.csv"
    margins.write_text(MARGINS_CSV, encoding="utf-8")
    files = {}
    try:
        for fmt in ("json", "html", "pdf", "xlsx"):
            path = tmp_path / f"report.{fmt}"
            build(app.test_cli_runner(), key, fmt, path, "--margins", str(margins))
            files[fmt] = path
    finally:
        wipe_database(app)
    return files


def suppressed_options(model: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(sheet name, question text, option) for every suppressed option."""
    found = []
    for q in model["questions"]:
        tables = [(f"{q['key']}.{r['key']}", r) for r in q.get("rows", [])] or [(q["key"], q)]
        for name, table in tables:
            for option in table.get("options", []):
                if option.get("suppressed"):
                    found.append((name, q["text"], option))
    return found


def test_every_format_is_written(outputs: dict[str, Path]) -> None:
    model = json.loads(outputs["json"].read_text(encoding="utf-8"))
    assert model["weighting"]["dimensions"] == ["district", "sex"]
    assert outputs["pdf"].read_bytes().startswith(b"%PDF")
    assert outputs["xlsx"].read_bytes().startswith(b"PK")
    html = outputs["html"].read_text(encoding="utf-8")
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert "<script" not in html
    assert suppressed_options(model), "the test data should have suppressed cells"


def test_xlsx_has_no_suppressed_number(outputs: dict[str, Path]) -> None:
    model = json.loads(outputs["json"].read_text(encoding="utf-8"))
    book = load_workbook(outputs["xlsx"], read_only=True)
    for sheet_name, _text, option in suppressed_options(model):
        sheet = book[sheet_name]
        rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0]]
        row = next(r for r in rows if str(r[0]).startswith(option["label"]))
        assert row[1] == option["code"]
        # count, percent and interval columns hold "x", never a number
        assert all(v == "x" for v in row[2:6]), row
    # shown figures are the JSON's figures: first the estimate of the
    # weighted report (headed as weighted), then the unweighted one
    question = next(q for q in model["questions"] if q["key"] == "slachtoffer")
    rows = list(book["slachtoffer"].iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Antwoord")
    assert header[3] == "Gewogen procent" and header[6] == "Ongewogen procent"
    for option in question["options"]:
        row = next(r for r in rows if r and r[1] == option["code"] and r[0])
        if not option["suppressed"]:
            assert row[2] == option["count"]
            if option["percent"] is not None:
                assert row[3] == pytest.approx(option["weighted_percent"])
                assert row[3] == pytest.approx(option["estimate"])
                assert row[6] == pytest.approx(option["percent"])
    # every cross-tab cell that JSON hides is "x" in its sheet
    for number, tab in enumerate(model["crosstabs"], start=1):
        prefix = f"X{number:03d} "
        sheet = next(book[n] for n in book.sheetnames if n.startswith(prefix))
        rows = list(sheet.iter_rows(values_only=True))
        for r_index, option in enumerate(tab["options"], start=4):
            for c_index, cell in enumerate(option["cells"], start=1):
                value = rows[r_index][2 * c_index - 1]
                if cell["suppressed"]:
                    assert value == "x"
                else:
                    assert value == cell["count"]
                    shown = rows[r_index][2 * c_index]
                    if cell["estimate"] is not None:
                        assert shown == pytest.approx(cell["weighted_percent"])


class _Rows(HTMLParser):
    """Text of every table row, cell by cell, with the class of its table."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self._table = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            self._table = dict(attrs).get("class") or ""
        elif tag == "tr":
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append((self._table, self._row))
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_html_shows_x_for_suppressed_cells(outputs: dict[str, Path]) -> None:
    model = json.loads(outputs["json"].read_text(encoding="utf-8"))
    parser = _Rows()
    parser.feed(outputs["html"].read_text(encoding="utf-8"))
    option_rows = [row for table, row in parser.rows if table == "figures"]
    for _sheet, _text, option in suppressed_options(model):
        rows = [r for r in option_rows if r and r[0].startswith(option["label"])]
        assert any(r[1:4] == ["x", "x", "x"] for r in rows), (option, rows)
    # every hidden cross-tab cell is an x
    cross_rows = [row for table, row in parser.rows if "crosstab" in table]
    hidden_json = sum(
        c["suppressed"] for t in model["crosstabs"] for o in t["options"] for c in o["cells"]
    )
    hidden_html = sum(cell == "x" for row in cross_rows for cell in row[1:])
    assert hidden_html == hidden_json
    # a shown figure is the weighted one, the Dutch way (decimal comma), the
    # unweighted one beside it for comparison (the first shown option whose
    # label no other option has: the audit may hide a whole small table)
    labels = Counter(o["label"] for q in model["questions"] for o in q.get("options", []))
    option = next(
        o
        for q in model["questions"]
        for o in q.get("options", [])
        if not o["suppressed"] and o["percent"] and labels[o["label"]] == 1
    )
    row = next(r for r in option_rows if r and r[0] == option["label"])
    assert row[2] == f"{option['weighted_percent']:.2f}".replace(".", ",")
    assert row[4] == f"{option['percent']:.2f}".replace(".", ",")


def test_pdf_shows_x_for_suppressed_cells(outputs: dict[str, Path]) -> None:
    model = json.loads(outputs["json"].read_text(encoding="utf-8"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(outputs["pdf"]), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert "1. " in text and model["title"] in text
    lines = [line.strip() for line in text.splitlines()]
    for _sheet, _text, option in suppressed_options(model):
        if option.get("missing"):
            continue  # its label carries a note that may wrap in the PDF
        rows = [
            _figures(line[len(option["label"]) :].split())
            for line in lines
            if line.startswith(option["label"])
        ]
        # the option's table row: x for count, percent and interval, no number
        assert any(r[:3] == ["x", "x", "x"] for r in rows), (option["label"], rows)
    # the cross-tabs in the PDF annex hide the same cells as the JSON
    hidden = sum(
        c["suppressed"]
        for t in model["crosstabs"]
        if t["measure"]
        for o in t["options"]
        for c in o["cells"]
    )
    x_tokens = sum(line.split().count("x") for line in lines)
    assert x_tokens >= hidden


def _figures(tokens: list[str]) -> list[str]:
    """Tokens after a label, without a "(not in the base)" note."""
    if tokens and tokens[0].startswith("("):
        for index, token in enumerate(tokens):
            if token.endswith(")"):
                return tokens[index + 1 :]
    return tokens


def test_report_build_errors(app: Flask, runner: Any, mini: str, tmp_path: Path) -> None:
    out = tmp_path / "missing.json"
    result = runner.invoke(args=["report", "build", "nope", "--out", str(out)])
    assert result.exit_code != 0
    assert "no survey" in result.output
    assert not out.exists()

    bad = tmp_path / "bad.csv"
    bad.write_text("district,1,abc\n", encoding="utf-8")
    result = runner.invoke(args=["report", "build", mini, "--out", str(out), "--margins", str(bad)])
    assert result.exit_code != 0
    assert f"{row_prefix(app, 1)}:" in result.output
    assert not out.exists()

    # Margins that cannot weight this survey: the report is built unweighted,
    # says why in it, and the command warns.
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("income,1,100\nincome,2,200\n", encoding="utf-8")
    result = runner.invoke(
        args=["report", "build", mini, "--out", str(out), "--margins", str(unknown)]
    )
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "income" in result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["weighting"] is None and written["estimates"] == "unweighted"
    assert written["weighting_problem"]["kind"] == "unknown_margin_dimension"
    assert "income" in written["weighting_problem"]["message"]
    out.unlink()

    both = ["--margins", str(unknown), "--no-weighting"]
    result = runner.invoke(args=["report", "build", mini, "--out", str(out), *both])
    assert result.exit_code != 0 and not out.exists()

    result = runner.invoke(args=["report", "build", "--help"])
    assert result.exit_code == 0
    assert "--threshold" in result.output
