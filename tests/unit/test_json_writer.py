"""The report's JSON writer writes exactly what json.dumps writes."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest

from survey.reporting.json_writer import render_json


class Colour(enum.IntEnum):
    RED = 1


class Mode(enum.StrEnum):
    WEB = "web"


def reference(model: Any) -> bytes:
    return (json.dumps(model, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode()


MODEL: dict[str, Any] = {
    "text": 'Zeebrugge "haven" \\ é ü ç 𝄞 \n\t\x00\u2028',
    "empty": {"list": [], "dict": {}, "tuple": (), "string": ""},
    "numbers": [0, -1, 10**20, 1.0, -0.0, 0.1, 1e16, 1.5e-7, 12345.678, True, False, None],
    "nested": [[[]], [{}], [{"a": [1, [2, {"b": None}]]}], ({"c": (1, 2)},)],
    "keys": {2: "int", 2.5: "float", True: "bool", None: "none", "s": "str"},
    "subclasses": {"enum": Colour.RED, "str_enum": Mode.WEB, Mode.WEB: [Colour.RED]},
    "crosstab": {"columns": [{"code": 1, "valid": None, "suppressed": False}], "ci95": [1.25, 3.5]},
}


@pytest.mark.parametrize(
    "model",
    [MODEL, {}, {"only": []}, {"x": {"y": {"z": {}}}}],
)
def test_same_bytes_as_json_dumps(model: dict[str, Any]) -> None:
    assert render_json(model) == reference(model)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_refuses_what_json_dumps_refuses(bad: float) -> None:
    with pytest.raises(ValueError):
        render_json({"value": [bad]})
    with pytest.raises(ValueError):
        reference({"value": [bad]})


def test_refuses_objects_json_does_not_know() -> None:
    with pytest.raises(TypeError):
        render_json({"value": {1, 2}})
    with pytest.raises(TypeError):
        render_json({(1, 2): "tuple key"})
