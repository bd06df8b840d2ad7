"""The streaming SPSS writer (survey.responses.sav_writer): files read back
with pyreadstat give the values, labels, missing codes and measures that
were written, compressed and uncompressed, and match what pyreadstat itself
writes for the same data."""

from __future__ import annotations

import io
import math
import struct

import pandas as pd
import pyreadstat
import pytest
from sav_compare import assert_same_sav

from survey.responses.sav_writer import (
    FLUSH_CODES,
    NCASES_OFFSET,
    SavError,
    SavVariable,
    SavWriter,
    cut_utf8,
)

DUTCH = "Één café aan de Scheldekaai, ruïne en geïnteresseerde burgers 🚲🙂"


def write(tmp_path, variables, rows, *, compress=True, name="out.sav"):
    path = tmp_path / name
    with open(path, "wb") as handle, SavWriter(handle, variables, compress=compress) as writer:
        writer.write_rows(rows)
    return path


def read(path, **kwargs):
    return pyreadstat.read_sav(str(path), **kwargs)


def column(frame, name):
    return list(frame[name])


@pytest.mark.parametrize("compress", [True, False])
def test_numbers_round_trip(tmp_path, compress):
    values = [0, 1, -99, -100, 151, 152, 9, 2.5, -0.25, 1e12, -3e-7, None, float("nan"), 41.0, True]
    variables = [SavVariable("n", width=0, measure="scale"), SavVariable("m", measure="scale")]
    rows = [[v, 7] for v in values]
    frame, meta = read(write(tmp_path, variables, rows, compress=compress))
    got = column(frame, "n")
    for expected, value in zip(values, got, strict=True):
        if expected is None or (isinstance(expected, float) and math.isnan(expected)):
            assert math.isnan(value)
        else:
            assert value == float(expected)
    assert column(frame, "m") == [7.0] * len(values)
    assert meta.number_rows == len(values)
    assert meta.original_variable_types == {"n": "F8.2", "m": "F8.2"}


@pytest.mark.parametrize("compress", [True, False])
def test_strings_short_long_and_very_long(tmp_path, compress):
    long_text = (DUTCH + " ") * 38  # 2,888 bytes: twelve segments
    widths = {"a1": 1, "a8": 8, "a9": 9, "a255": 255, "a256": 256, "a600": 600, "big": 3000}
    variables = [SavVariable(name, width=w, measure="nominal") for name, w in widths.items()]
    variables.insert(3, SavVariable("between", measure="scale"))
    rows = [
        ["x", "abcdefgh", "abcdefghi", 5, "é" * 127, "z" * 256, "y" * 600, long_text],
        [None, "", "   ", None, DUTCH, DUTCH, DUTCH, DUTCH],
        ["b", "🙂", "a b", 3.5, "", None, "q" * 300, ""],
    ]
    frame, meta = read(write(tmp_path, variables, rows, compress=compress))
    assert list(frame.columns) == ["a1", "a8", "a9", "between", "a255", "a256", "a600", "big"]
    assert column(frame, "a1") == ["x", "", "b"]
    assert column(frame, "a8") == ["abcdefgh", "", "🙂"]
    assert column(frame, "a9") == ["abcdefghi", "", "a b"]
    assert column(frame, "a255") == ["é" * 127, DUTCH, ""]
    assert column(frame, "a256") == ["z" * 256, DUTCH, ""]
    assert column(frame, "a600") == ["y" * 600, DUTCH, "q" * 300]
    assert column(frame, "big") == [long_text.rstrip(), DUTCH, ""]
    assert meta.variable_storage_width["big"] == 3000
    assert meta.original_variable_types["a600"] == "A600"
    assert meta.variable_alignment["a9"] == "left"


def test_string_longer_than_its_width_is_cut_on_a_character_boundary(tmp_path):
    variables = [SavVariable("t", width=5), SavVariable("v", width=300)]
    rows = [["aéé", "🙂" * 100], ["abcdef", "x" * 299 + "é"]]
    frame, _ = read(write(tmp_path, variables, rows))
    assert column(frame, "t") == ["aéé", "abcde"]
    assert column(frame, "v") == ["🙂" * 75, "x" * 299]


def test_labels_missing_values_and_measures(tmp_path):
    long_label = "Vraag " + "ë🙂" * 60  # 306 bytes: cut to 255, never inside a character
    variables = [
        SavVariable(
            "geslacht",
            label="Wat is uw geslacht? 🙂",
            value_labels={1: "Man", 2: "Vrouw", 9: "Zeg ik liever niet – 🙊"},
            missing=[9],
            measure="nominal",
        ),
        SavVariable("veiligheid.1", label=long_label, value_labels={1: "Ja", 2: "Nee"}),
        SavVariable("veiligheid.2", value_labels={1: "Ja", 2: "Nee"}, missing=[7, 8, 9]),
        SavVariable("leeftijd", label="Leeftijd", measure="scale"),
        SavVariable("tekst", label=DUTCH, width=20, measure="nominal"),
        SavVariable("lang", value_labels={1: "é" * 100}, measure="ordinal"),
    ]
    rows = [[1, 1, 9, 41, "ok", 1], [9, 2, 2, None, None, None]]
    frame, meta = read(write(tmp_path, variables, rows), user_missing=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["geslacht"] == "Wat is uw geslacht? 🙂"
    assert labels["tekst"] == DUTCH
    assert labels["veiligheid.2"] is None
    assert labels["veiligheid.1"] == cut_utf8(long_label.encode(), 255).decode()
    assert len(labels["veiligheid.1"].encode()) == 254
    assert meta.variable_value_labels["geslacht"] == {
        1.0: "Man",
        2.0: "Vrouw",
        9.0: "Zeg ik liever niet – 🙊",
    }
    assert meta.variable_value_labels["veiligheid.1"] == {1.0: "Ja", 2.0: "Nee"}
    assert meta.variable_value_labels["veiligheid.2"] == {1.0: "Ja", 2.0: "Nee"}
    assert meta.variable_value_labels["lang"] == {1.0: "é" * 60}  # 120 bytes
    assert meta.missing_ranges["geslacht"] == [{"lo": 9.0, "hi": 9.0}]
    assert [r["lo"] for r in meta.missing_ranges["veiligheid.2"]] == [7.0, 8.0, 9.0]
    assert meta.variable_measure == {
        "geslacht": "nominal",
        "veiligheid.1": "unknown",
        "veiligheid.2": "unknown",
        "leeftijd": "scale",
        "tekst": "nominal",
        "lang": "ordinal",
    }
    assert column(frame, "geslacht") == [1.0, 9.0]
    plain, _ = read(tmp_path / "out.sav")
    assert math.isnan(plain["geslacht"].iloc[1])  # user-missing when read as missing


def test_no_cases_and_all_missing_columns(tmp_path):
    variables = [SavVariable("id", width=4), SavVariable("n", value_labels={1: "a"}, missing=[9])]
    frame, meta = read(write(tmp_path, variables, []))
    assert meta.number_rows == 0 and len(frame) == 0
    assert meta.column_names == ["id", "n"]
    frame, meta = read(write(tmp_path, variables, [[None, None]] * 3, name="missing.sav"))
    assert column(frame, "id") == [""] * 3
    assert all(math.isnan(v) for v in column(frame, "n"))


def test_many_cases_cross_the_flush_boundary(tmp_path):
    """Compressed blocks of eight commands run on across cases and across
    buffer flushes; every value still lands in its own cell."""
    variables = [SavVariable("id", width=10)] + [SavVariable(f"v{i}") for i in range(6)]
    count = FLUSH_CODES // 4 + 37
    rows = [
        [f"r{n}", n % 7, None if n % 5 == 0 else n / 3, 1, n, -n, 1e6 + n] for n in range(count)
    ]
    frame, meta = read(write(tmp_path, variables, rows))
    assert meta.number_rows == count
    assert column(frame, "id")[-1] == f"r{count - 1}"
    assert column(frame, "v3") == [float(n) for n in range(count)]
    assert column(frame, "v5")[1234] == 1e6 + 1234
    assert math.isnan(column(frame, "v1")[10]) and column(frame, "v1")[11] == 11 / 3


def test_case_count_is_patched_and_unknown_on_a_stream(tmp_path):
    variables = [SavVariable("n")]
    path = write(tmp_path, variables, [[1], [2]])
    assert struct.unpack_from("<i", path.read_bytes(), NCASES_OFFSET)[0] == 2

    class Stream(io.BytesIO):
        def seekable(self) -> bool:
            return False

    stream = Stream()
    with SavWriter(stream, variables) as writer:
        writer.write_rows([[1], [2]])
    assert struct.unpack_from("<i", stream.getvalue(), NCASES_OFFSET)[0] == -1


@pytest.mark.parametrize(
    "variables",
    [
        [],
        [SavVariable("a"), SavVariable("A")],
        [SavVariable("x" * 65)],
        [SavVariable("s", width=40000)],
        [SavVariable("n", missing=[1, 2, 3, 4])],
        [SavVariable("s", width=3, value_labels={1: "a"})],
        [SavVariable("n", measure="interval")],
    ],
)
def test_impossible_dictionaries_are_refused(variables):
    with pytest.raises(SavError):
        SavWriter(io.BytesIO(), variables)


def test_same_file_contents_as_pyreadstat(tmp_path):
    """For the same data and metadata, pyreadstat's own file and this
    writer's file read back identically (values and dictionary)."""
    rows = [
        ["a1b2", "nl", 1, None, 3.25, "Één café 🙂", "web"],
        ["c3d4", "fr", 9, 2, None, "", "paper"],
        ["e5f6", "en", None, 1, 1000.5, "x" * 300, "import"],
    ]
    names = ["response_id", "language", "q", "multi.1", "number", "remark", "mode"]
    strings = {"response_id", "language", "remark", "mode"}
    labels = {"q": {1: "Eén", 9: "Weet niet"}, "multi.1": {0: "Niet gekozen", 1: "Gekozen"}}
    missing = {"q": [9]}
    column_labels = ["Response id", "Language", "Vraag ë?", "Meer 🙂", "Getal", "Opmerking", "Mode"]
    measures = {n: "nominal" if n in labels or n in strings else "scale" for n in names}
    frame = pd.DataFrame(
        {
            name: [("" if r[i] is None else r[i]) if name in strings else r[i] for r in rows]
            for i, name in enumerate(names)
        }
    )
    for name in names:
        if name not in strings:
            frame[name] = frame[name].astype(float)
    reference = tmp_path / "reference.sav"
    pyreadstat.write_sav(
        frame,
        str(reference),
        column_labels=column_labels,
        variable_value_labels=labels,
        missing_ranges=missing,
        variable_measure=measures,
    )
    widths = {
        n: max(1, *(len(str(r[i] or "").encode()) for r in rows)) for i, n in enumerate(names)
    }
    variables = [
        SavVariable(
            name,
            label=label,
            width=widths[name] if name in strings else 0,
            value_labels=labels.get(name, {}),
            missing=missing.get(name, ()),
            measure=measures[name],
        )
        for name, label in zip(names, column_labels, strict=True)
    ]
    ours = write(tmp_path, variables, rows)
    assert_same_sav(reference, ours)


def test_formats_and_documents_are_written(tmp_path):
    variables = [
        SavVariable(
            "code",
            value_labels={1: "Nooit", 12: "Twaalf"},
            measure="ordinal",
            format_width=2,
            format_decimals=0,
        ),
        SavVariable("weight", measure="scale", format_width=8, format_decimals=4),
        SavVariable("tekst", width=5, measure="nominal"),
    ]
    documents = ["weight: " + "raking naar de marges " * 8, "kort é"]
    path = tmp_path / "docs.sav"
    with open(path, "wb") as handle, SavWriter(handle, variables, documents=documents) as writer:
        writer.write_rows([[1, 0.61234, "ab"], [12, 1.5, None]])
    frame, meta = read(path)
    assert meta.original_variable_types == {"code": "F2.0", "weight": "F8.4", "tekst": "A5"}
    assert meta.variable_measure == {"code": "ordinal", "weight": "scale", "tekst": "nominal"}
    assert list(frame["weight"]) == [0.61234, 1.5]
    # lines of at most 80 bytes, broken between words, the text kept
    assert all(len(line.encode()) <= 80 for line in meta.notes)
    assert " ".join(line.strip() for line in meta.notes) == " ".join(
        " ".join(d.split()) for d in documents
    )
    with pytest.raises(SavError, match=r"F2\.2"):
        SavWriter(io.BytesIO(), [SavVariable("x", format_width=2, format_decimals=2)])
