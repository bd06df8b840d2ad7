"""``flask partners import / links / status``."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask


def test_import_links_and_status_from_the_command_line(
    app: Flask, partner_survey: str, runner: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,sector,email\nA,Onderwijs,a@a.be\nB,,b-at-b.be\n", encoding="utf-8")
    result = runner.invoke(args=["partners", "import", str(bad)])
    assert result.exit_code != 0
    assert "line 3" in result.output
    good = tmp_path / "good.csv"
    good.write_text("name,sector,email\nA,Onderwijs,a@a.be\nB,Welzijn,b@b.be\n", encoding="utf-8")
    result = runner.invoke(args=["partners", "import", str(good)])
    assert result.exit_code == 0, result.output

    out = tmp_path / "links.csv"
    args = ["partners", "links", partner_survey, "--out", str(out)]
    result = runner.invoke(args=[*args, "--base-url", "https://bevraging.zone.be/"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["name"] for r in rows] == ["A", "B"]
    assert all(r["link"].startswith("https://bevraging.zone.be/p/") for r in rows)

    # Nothing left to issue; a named organisation gets a new link.
    result = runner.invoke(args=[*args, "--base-url", "https://x.be"])
    assert "0 links" in result.output
    result = runner.invoke(args=[*args, "--base-url", "https://x.be", "--organisation", "a"])
    assert result.exit_code == 0, result.output
    new = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    client = app.test_client()
    assert client.get(urlsplit(rows[0]["link"]).path).status_code == 410
    assert client.get(urlsplit(new[0]["link"]).path).status_code == 200
    assert client.get(urlsplit(rows[1]["link"]).path).status_code == 200

    result = runner.invoke(args=["partners", "status", partner_survey])
    assert result.exit_code == 0
    assert "opened\tA\ta@a.be" in result.output
    assert "opened\tB\tb@b.be" in result.output

    result = runner.invoke(args=[*args, "--base-url", "https://x.be", "--organisation", "Z"])
    assert result.exit_code != 0
    assert runner.invoke(args=["partners", "status", "nope"]).exit_code != 0
