"""The report JSON's schema (docs/report.schema.json), and the check that
every report the test suite builds follows it (``tests/conftest.py`` wraps
``Report.to_json`` with ``check_report``)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from support import ROOT

SCHEMA = ROOT / "docs" / "report.schema.json"


@cache
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(report: Any) -> list[str]:
    """Every place where ``report`` breaks the schema, as ``path: message``."""
    return [
        "/".join(str(p) for p in error.absolute_path) + ": " + error.message[:300]
        for error in validator().iter_errors(report)
    ]


def check_report(report: Any) -> None:
    errors = schema_errors(report)
    assert not errors, "the report JSON breaks docs/report.schema.json:\n" + "\n".join(errors[:10])
