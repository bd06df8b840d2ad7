"""The streamed SAV export against the file pyreadstat wrote before it (the
previous implementation, kept below as the reference): the same data frame
and the same dictionary when read back, on the demo, with Dutch accents and
emoji in labels and free text, free text longer than 255 bytes, columns
nobody answered and a survey without responses; and memory that does not
grow with the number of responses."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat
import pytest
import yaml
from planner_helpers import random_values, response_csv
from sav_compare import assert_same_sav
from sqlalchemy import func, select
from support import RESIDENT_FILE, import_file

KEY = "burgers-2026"
DUTCH = "Één café aan de Scheldekaai 🚲 — ruïne, geïnteresseerde burgers 🙂"


def reference_sav(session: Any, survey: Any, path: str, weights: Any = None) -> int:
    """The export as it was before streaming: one array per column, then
    one pyreadstat.write_sav of the whole DataFrame, with the dictionary of
    the export's codebook (names, labels, measures, formats, documents)."""
    from survey.definitions.definition import definition_of
    from survey.i18n import text_for
    from survey.models import Response
    from survey.responses.codebook import codebook
    from survey.responses.csv_export import iter_records, layout_of, record_row

    layout = layout_of(survey, weights)
    definition = definition_of(survey)
    entries = {e.name: e for e in codebook(definition, None, weights)}
    total = int(
        session.scalar(
            select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
        )
        or 0
    )
    columns = layout.columns
    strings = {name for name in columns if entries[name].text}
    arrays = {
        name: np.full(total, "", dtype=object) if name in strings else np.full(total, np.nan)
        for name in columns
    }
    count = 0
    for index, record in enumerate(iter_records(session, survey)):
        row = record_row(layout, record)
        for name, value in zip(columns, row, strict=True):
            if name in strings:
                arrays[name][index] = "" if value is None else str(value)
            elif value is not None:
                arrays[name][index] = float(value)
        count = index + 1
    spss = {name: entries[name].spss_name for name in columns}
    frame = pd.DataFrame({spss[name]: arrays[name][:count] for name in columns})
    numeric = [name for name in columns if name not in strings]
    title = text_for(dict(definition.raw.get("title", {})), definition.default_language)
    notes = [f"{e.spss_name}: {e.column.note}" for e in entries.values() if e.column.note]
    pyreadstat.write_sav(
        frame,
        path,
        file_label=f"{survey.key} {title}",
        note=notes or None,
        column_labels=[entries[name].spss_label[:255] for name in columns],
        variable_value_labels={
            # pyreadstat wants plain strings, not shown texts (a str subclass
            # that carries its language).
            spss[name]: {float(c): str(v) for c, v in entries[name].column.value_labels.items()}
            for name in numeric
            if entries[name].column.value_labels
        },
        missing_ranges={
            spss[name]: list(entries[name].column.missing)
            for name in numeric
            if entries[name].column.missing
        },
        variable_measure={spss[name]: entries[name].column.measure for name in columns},
        variable_format={spss[name]: entries[name].spss_format for name in numeric},
    )
    return count


def assert_same_export(session: Any, key: str, tmp_path: Any) -> Any:
    """Write both files; assert they read back the same; return the
    metadata and the data frame of the new one."""
    from survey.definitions.store import find_survey
    from survey.responses.sav_export import write_sav

    survey = find_survey(session, key)
    old, new = tmp_path / f"{key}-old.sav", tmp_path / f"{key}-new.sav"
    assert write_sav(session, survey, str(new)) == reference_sav(session, survey, str(old))
    return assert_same_sav(old, new)


def _store(session: Any, key: str, values_list: list[dict[str, Any]], mode: str = "web") -> None:
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.responses.checking import check_values
    from survey.responses.storage import ResponseWriter

    survey = find_survey(session, key)
    definition = definition_of(survey)
    writer = ResponseWriter(session, survey)
    for values in values_list:
        shown, kept, problems = check_values(definition, values)
        assert not problems, problems
        writer.write(shown, kept, mode=mode)
    session.commit()


def _question(raw: Any, key: str) -> dict[str, Any]:
    """The question ``key`` anywhere in a parsed survey file."""
    stack = [raw]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("key") == key and "type" in item:
                return item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    raise KeyError(key)


def test_demo_exports_match_pyreadstat(app, session, tmp_path):
    from survey.demo.loader import load_demo

    load_demo(session, seed=5, residents=120)
    session.commit()
    _frame, meta = assert_same_export(session, KEY, tmp_path)
    assert meta.number_rows == 120
    partners, _ = assert_same_export(session, "partners-2026", tmp_path)
    assert len(partners) > 0


def test_dutch_emoji_long_text_and_unanswered_columns(app, session, tmp_path):
    """Accents and emoji in question texts, option labels and free text; a
    free text of ~1,300 bytes (a very long string in SPSS); a question
    label cut at 255 bytes; columns nobody answered."""
    raw = yaml.safe_load(RESIDENT_FILE.read_text(encoding="utf-8"))
    sex = _question(raw, "geslacht")
    sex["text"]["nl"] = "Wat is uw geslacht? 🙂 (één antwoord, geïnteresseerd)"
    sex["options"][2]["label"]["nl"] = "Anders — ‘ë’ 🌈"
    remarks = _question(raw, "opmerkingen")
    remarks["max_length"] = 4000
    remarks["text"]["nl"] = "Opmerkingen over café’s en ruïnes 🚲 " * 7  # 252 chars, 301 bytes
    path = tmp_path / "burgers.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    import_file(app, path)

    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.responses.sav_writer import cut_utf8

    definition = definition_of(find_survey(session, KEY))
    rng = random.Random(3)
    texts = [DUTCH * 20, None, "=1+2", "Kort 🙂", "x" * 300, "é" * 128, DUTCH]
    values_list = []
    for text in texts:
        values = random_values(definition, rng)
        for key in list(values):
            if key.startswith(("aangifte_", "waarom_niet")):
                del values[key]  # never shown: all-missing columns
        values["opmerkingen"] = text
        values["geslacht"] = 3
        values_list.append(values)
    _store(session, KEY, values_list[:4], mode="paper")
    _store(session, KEY, values_list[4:])

    frame, meta = assert_same_export(session, KEY, tmp_path)
    # In a random order (not the order of writing), the same texts.
    assert sorted(frame["opmerkingen"]) == sorted(t or "" for t in texts)
    assert meta.variable_storage_width["opmerkingen"] == len((DUTCH * 20).encode())
    assert meta.variable_value_labels["geslacht"][3.0] == "Anders — ‘ë’ 🌈"
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["geslacht"].endswith("geïnteresseerd)")
    # Cut at 255 bytes, not inside the emoji that straddles byte 255.
    full = remarks["text"]["nl"].strip()
    assert labels["opmerkingen"] == cut_utf8(full.encode(), 255).decode().rstrip()
    unanswered = [name for name in frame.columns if name.startswith("aangifte_")]
    assert unanswered and all(frame[name].isna().all() for name in unanswered)


def test_survey_without_responses(resident_survey, session, tmp_path):
    frame, meta = assert_same_export(session, KEY, tmp_path)
    assert len(frame) == 0 and meta.number_rows == 0
    assert meta.variable_storage_width["opmerkingen"] == 1


def test_sav_export_memory_stays_flat(resident_survey, session, tmp_path):
    """Peak memory while writing the SAV does not grow with the number of
    responses: cases are packed as the answers stream."""
    import tracemalloc

    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.responses.csv_import import import_responses
    from survey.responses.sav_export import write_sav

    survey = find_survey(session, KEY)
    definition = definition_of(survey)

    def peak() -> int:
        tracemalloc.start()
        count = write_sav(session, survey, str(tmp_path / "out.sav"))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count > 0
        return top

    import_responses(session, survey, response_csv(definition, 300, seed=40))
    session.commit()
    small = peak()
    import_responses(session, survey, response_csv(definition, 2700, seed=41))
    session.commit()
    large = peak()
    assert large < small * 2, (small, large)


@pytest.mark.parametrize("purged", [False, True])
def test_purged_text_exports_its_redacted_copy_with_its_width(
    resident_survey, session, tmp_path, purged
):
    """The width of a free-text column follows the text exported: the raw
    text, or the redacted copy once the raw text is purged."""
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.models import FreeText

    values = random_values(definition_of(find_survey(session, KEY)), random.Random(8))
    values["opmerkingen"] = "Bel 0470 12 34 56 over de overlast " + "🙂" * 70
    _store(session, KEY, [values])
    if purged:
        for text in session.scalars(select(FreeText)):
            text.text = None
        session.commit()
    frame, meta = assert_same_export(session, KEY, tmp_path)
    stored = session.scalars(select(FreeText)).one()
    exported = stored.text if stored.text is not None else stored.redacted
    assert frame["opmerkingen"].iloc[0] == exported
    assert meta.variable_storage_width["opmerkingen"] == len(exported.encode())
