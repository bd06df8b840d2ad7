"""The Dutch catalog must be complete and current: every interface string
extracted from the code has a Dutch translation, and the catalog holds no
entry the code no longer uses. The German catalog must be complete for the
resident and partner pages (a German-speaking zone fields its whole
consultation in German; the planners' workspace stays Dutch: see
docs/configuration.md, "Languages"). French and English catalogs may be
partial (the interface falls back to the English msgid) but never stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from catalog_areas import letter_msgids, partner_msgids

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


def _untranslated(catalog: dict[str, object], msgids: set[str]) -> list[str]:
    return sorted(
        i
        for i in msgids
        if i not in catalog
        or getattr(catalog[i], "fuzzy", False)
        or not _translated(getattr(catalog[i], "string", ""))
    )


def _translated(string: object) -> bool:
    return bool(string) if isinstance(string, str) else all(string)  # type: ignore[call-overload]


def test_german_catalog_covers_every_resident_and_partner_page(extracted: set[str]) -> None:
    area = partner_msgids() | letter_msgids()
    # The area is what residents and partners see: the start page with its
    # privacy notice, the code page, the questions' messages, the partner
    # pages, and the letter and poster that bring residents there.
    assert {"Lost your letter?", "Answer this question.", "Receipt", "Dear resident,"} <= area
    assert area <= extracted
    missing = _untranslated(_catalog("de"), area)
    assert not missing, f"not translated in German (translations/de): {missing[:20]}"


@pytest.mark.parametrize("language", ["nl", "fr", "en", "de"])
def test_catalogs_hold_no_stale_entries(language: str, extracted: set[str]) -> None:
    stale = sorted(set(_catalog(language)) - extracted)
    assert not stale, f"{language} has entries the code no longer uses: {stale[:20]}"
