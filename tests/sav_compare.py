"""Comparing two .sav files as a reader sees them (pyreadstat)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyreadstat

META_ATTRIBUTES = (
    "column_names",
    "column_labels",
    "variable_value_labels",
    "missing_ranges",
    "variable_measure",
    "number_rows",
    "original_variable_types",
    "readstat_variable_types",
    "variable_storage_width",
    "variable_display_width",
    "variable_alignment",
    "file_encoding",
)


def assert_same_sav(reference: Any, ours: Any) -> tuple[Any, Any]:
    """The two files read back as the same data frame (raw codes, user
    missing kept or not, value labels applied) and the same dictionary;
    returns the data frame and metadata of ``ours`` (value labels applied)."""
    for kwargs in ({}, {"user_missing": True}, {"apply_value_formats": True}):
        expected, expected_meta = pyreadstat.read_sav(str(reference), **kwargs)
        got, got_meta = pyreadstat.read_sav(str(ours), **kwargs)
        pd.testing.assert_frame_equal(got, expected)
    for attribute in META_ATTRIBUTES:
        assert getattr(got_meta, attribute) == getattr(expected_meta, attribute), attribute
    return got, got_meta
