"""The report as JSON (contract section 3): the model itself, UTF-8."""

from __future__ import annotations

import json
from typing import Any


def render_json(model: dict[str, Any]) -> bytes:
    """The model as indented UTF-8 JSON (non-ASCII kept as is)."""
    return (json.dumps(model, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")
