"""The Dutch catalog must be complete and current: every interface string
extracted from the code has a Dutch translation, and the catalog holds no
entry the code no longer uses. French and English catalogs may be partial
(the interface falls back to the English msgid) but never stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "translations"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "--ignore-dirs",
            ".* ._ node_modules instance",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_ngettext:1,2",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


def _catalog(language: str) -> dict[str, object]:
    with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    return {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id}


def test_dutch_catalog_translates_every_interface_string(extracted: set[str]) -> None:
    dutch = _catalog("nl")
    missing = sorted(i for i in extracted if i not in dutch)
    untranslated = sorted(
        i
        for i, m in dutch.items()
        if i in extracted
        and (m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string)))
    )
    assert not missing, f"not in the Dutch catalog (run make i18n): {missing[:20]}"
    assert not untranslated, f"untranslated or fuzzy in Dutch: {untranslated[:20]}"


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_catalogs_hold_no_stale_entries(language: str, extracted: set[str]) -> None:
    stale = sorted(set(_catalog(language)) - extracted)
    assert not stale, f"{language} has entries the code no longer uses: {stale[:20]}"
