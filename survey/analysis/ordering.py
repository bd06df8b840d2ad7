"""A deterministic order of mixed codes, so that every figure that depends on
the order of its terms (sums of weights, which cell gets a complementary
suppression, which comment is quoted) is the same on every run and engine."""

from __future__ import annotations

from typing import Any


def code_order(value: Any) -> tuple[Any, ...]:
    """Sort key: numbers numerically, then text, then tuples (element by
    element), then None."""
    if isinstance(value, tuple):
        return (2, tuple(code_order(item) for item in value))
    if value is None:
        return (3, "")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return (1, str(value))
    return (0, float(value))
