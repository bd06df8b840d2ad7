"""The report as JSON (contract section 3): the model itself, UTF-8."""

from __future__ import annotations

import json
from typing import Any

# The C string escaper of the json module (the same one json.dumps uses with
# ensure_ascii=False).
_encode_string = json.encoder.encode_basestring
_INDENT = "  "


def render_json(model: dict[str, Any]) -> bytes:
    """The model as indented UTF-8 JSON (non-ASCII kept as is): the bytes of
    ``json.dumps(model, ensure_ascii=False, indent=2, allow_nan=False)``
    plus a newline. json.dumps writes indented JSON with its pure-Python
    encoder, a generator per nested list or dict; a report has ~20,000 of
    them and that took as long as the report's Python figures, so the same
    text is written here by one recursive function into one list."""
    parts: list[str] = []
    _write(model, parts, "\n")
    parts.append("\n")
    return "".join(parts).encode("utf-8")


def _write(value: Any, parts: list[str], newline: str) -> None:  # noqa: C901 (one dispatch on the type, with the common leaves inline for speed)
    """Append ``value`` as JSON; ``newline`` is the line break plus the
    indentation of the line ``value`` starts on."""
    kind = type(value)
    if kind is str:
        parts.append(_encode_string(value))
    elif kind is dict:
        if not value:
            parts.append("{}")
            return
        inner = newline + _INDENT
        separator = "{" + inner
        for key, item in value.items():
            head = separator + _encode_string(key if type(key) is str else _key(key)) + ": "
            # The common leaves inline: a call per leaf is most of the time.
            kind = type(item)
            if kind is str:
                parts.append(head + _encode_string(item))
            elif kind is int:
                parts.append(head + int.__repr__(item))
            elif item is None:
                parts.append(head + "null")
            elif item is True:
                parts.append(head + "true")
            elif item is False:
                parts.append(head + "false")
            else:
                parts.append(head)
                _write(item, parts, inner)
            separator = "," + inner
        parts.append(newline + "}")
    elif kind is int:
        parts.append(int.__repr__(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif kind is float:
        parts.append(_float(value))
    elif kind is list or kind is tuple:
        if not value:
            parts.append("[]")
            return
        inner = newline + _INDENT
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            _write(item, parts, inner)
            separator = "," + inner
        parts.append(newline + "]")
    else:
        _write_subclass(value, parts, newline)


def _write_subclass(value: Any, parts: list[str], newline: str) -> None:
    """Subclasses of the JSON types (a str or int enum, ...), as json.dumps
    writes them."""
    if isinstance(value, str):
        parts.append(_encode_string(value))
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(_float(value))
    elif isinstance(value, dict):
        _write(dict(value), parts, newline)
    elif isinstance(value, list | tuple):
        _write(list(value), parts, newline)
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _float(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("Out of range float values are not JSON compliant: " + repr(value))
    return float.__repr__(value)


def _key(key: Any) -> str:
    """A dict key as json.dumps writes it: strings as they are; numbers,
    booleans and None as their JSON text."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool | int | float):
        return json.dumps(key, allow_nan=False)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
