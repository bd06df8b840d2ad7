"""The report's stored files (background PDFs, the page's charts): written
whole, and removed once unused for long enough."""

from __future__ import annotations

import os
import time
from pathlib import Path

from survey.reporting.stored_files import remove_older, write_atomically


def test_a_stored_file_is_written_whole_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    write_atomically(tmp_path / "chart-a.svg", "<svg/>")
    write_atomically(tmp_path / "report.pdf", b"%PDF-1.7")
    write_atomically(tmp_path / "chart-a.svg", "<svg>again</svg>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart-a.svg", "report.pdf"]
    assert (tmp_path / "chart-a.svg").read_text(encoding="utf-8") == "<svg>again</svg>"
    assert (tmp_path / "report.pdf").read_bytes() == b"%PDF-1.7"


def test_files_unused_for_longer_than_the_limit_are_removed_and_the_rest_kept(
    tmp_path: Path,
) -> None:
    old, recent = tmp_path / "chart-old.json", tmp_path / "chart-new.json"
    old.write_text("{}", encoding="utf-8")
    recent.write_text("{}", encoding="utf-8")
    day_and_a_bit = time.time() - 24 * 3600 - 60
    os.utime(old, (day_and_a_bit, day_and_a_bit))
    remove_older(tmp_path, 24 * 3600)
    assert not old.exists() and recent.exists()
