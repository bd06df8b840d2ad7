"""Numbers in the report's words, the Belgian-Dutch way (1.234; 39,50 %):
the one home of number formatting for every writer and chart."""

from __future__ import annotations

import math

from babel.numbers import format_decimal

LOCALE = "nl_BE"


def pct(value: float | None) -> str:
    """A percentage with up to two decimals: 12,34 % ("-" when absent)."""
    if value is None:
        return "-"
    return f"{format_decimal(value, format='#,##0.0#', locale=LOCALE)} %"


def num(value: float | None, digits: int = 2) -> str:
    """A number with up to ``digits`` decimals, trailing zeros dropped."""
    if value is None:
        return "-"
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return str(format_decimal(value, format=pattern, locale=LOCALE))


def fixed(value: float | None, digits: int = 2) -> str:
    """A table figure with a fixed number of decimals (39,50)."""
    if value is None:
        return "-"
    return str(format_decimal(value, format="#,##0." + "0" * digits, locale=LOCALE))


def integer(value: float | None) -> str:
    """A count (1.234); "x" when hidden."""
    if value is None:
        return "x"
    return str(format_decimal(value, format="#,##0", locale=LOCALE))


def ci_text(bounds: list[float] | None) -> str:
    """An interval of a table, two decimals: 7,59 - 10,51."""
    if not bounds:
        return "-"
    low = format_decimal(bounds[0], format="0.00", locale=LOCALE)
    high = format_decimal(bounds[1], format="0.00", locale=LOCALE)
    return f"{low} - {high}"


def whole(value: float) -> str:
    """A percentage in whole points, for readers who decide (a mayor reads
    27 %, not 27,43 %)."""
    return f"{format_decimal(round(value), format='#,##0', locale=LOCALE)} %"


def whole_range(bounds: list[float]) -> str:
    """An interval in whole points: 24 - 31 %."""
    # Outward rounding: the whole-point interval never claims more precision
    # than the interval it rounds.
    low = format_decimal(math.floor(bounds[0]), format="#,##0", locale=LOCALE)
    high = format_decimal(math.ceil(bounds[1]), format="#,##0", locale=LOCALE)
    return f"{low} - {high} %"
