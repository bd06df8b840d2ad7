"""Read a survey file (YAML or JSON) safely.

Aliases and anchors are refused: a few lines of aliases can expand into
billions of nodes (a "YAML bomb") once the result is walked. Files larger
than ``MAX_FILE_BYTES`` are refused before parsing. Integers are bounded
(``MAX_INTEGER_DIGITS``) while parsing: Python refuses to convert more than
4300 digits (a ValueError that PyYAML does not catch), and no code, limit or
length in a survey needs more than a few digits anyway.
"""

from __future__ import annotations

from typing import Any

import yaml
from flask_babel import gettext as _
from yaml.events import AliasEvent
from yaml.nodes import ScalarNode

from survey.questions.base import MAX_INTEGER_DIGITS

MAX_FILE_BYTES = 1024 * 1024
# Longer integer texts are refused before int() sees them (0b... binary
# needs the most characters for a number below 10**15: 52).
_MAX_INTEGER_TEXT = 64


class LoadError(Exception):
    """The file cannot be read as YAML; the message says where and why."""


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            mark = event.start_mark
            raise LoadError(
                f"line {mark.line + 1}: aliases (*{event.anchor}) are not allowed in survey files"
            )
        return super().compose_node(parent, index)

    def construct_text(self, node: ScalarNode) -> str:
        return str(self.construct_scalar(node))

    def construct_yaml_int(self, node: ScalarNode) -> int:
        text = str(node.value)
        if len(text) <= _MAX_INTEGER_TEXT:
            value: int = super().construct_yaml_int(node)
            if abs(value) < 10**MAX_INTEGER_DIGITS:
                return value
        shown = text if len(text) <= 24 else f"{text[:20]}…"
        raise LoadError(
            _(
                "line %(line)s: the number %(number)s is too large "
                "(a whole number has at most %(digits)s digits)",
                line=node.start_mark.line + 1,
                number=shown,
                digits=MAX_INTEGER_DIGITS,
            )
        )


_NoAliasLoader.add_constructor("tag:yaml.org,2002:int", _NoAliasLoader.construct_yaml_int)
# A day written without quotes (``min: 2026-01-01``) stays the text it is: a
# definition is stored as JSON, which has no dates, and a date question
# reads its limits as ISO text.
_NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp", _NoAliasLoader.construct_text)


def load_definition(data: bytes | str) -> Any:
    """Parse survey file content; raise ``LoadError`` with a one-line reason."""
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            raise LoadError(f"the file is larger than {MAX_FILE_BYTES // 1024} KB")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LoadError(f"the file is not UTF-8 (byte {exc.start})") from exc
    else:
        text = data
        if len(text.encode("utf-8")) > MAX_FILE_BYTES:
            raise LoadError(f"the file is larger than {MAX_FILE_BYTES // 1024} KB")
    if "\x00" in text:
        raise LoadError("the file contains NUL bytes")
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise LoadError(f"{where}{exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise LoadError(str(exc)) from exc
    except RecursionError as exc:
        raise LoadError("the file is nested too deeply") from exc


def dump_definition(definition: Any) -> str:
    """Write a definition as YAML, keys in their given order."""
    return yaml.safe_dump(definition, allow_unicode=True, sort_keys=False, width=100)
