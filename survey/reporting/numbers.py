"""Numbers in the report's words, the Belgian way of the report's language
(Dutch 1.234 and 39,50 %; French 1 234 and 39,50 %): the one home of number
formatting for every writer and chart."""

from __future__ import annotations

import math

from babel.numbers import format_decimal
from flask import has_app_context, has_request_context
from flask_babel import get_locale

LOCALE = "nl_BE"
"""The Dutch report's locale, and the one of every language without its own
in ``LOCALES``."""
LOCALES = {"fr": "fr_BE", "de": "de_BE"}


def _locale() -> str:
    """The number locale of the language the report is written in (the
    interface language it is rendered in, ``force_locale``)."""
    if not has_request_context() and not has_app_context():
        return LOCALE
    current = get_locale()
    return LOCALES.get(current.language, LOCALE) if current is not None else LOCALE


def pct(value: float | None) -> str:
    """A percentage with up to two decimals: 12,34 % ("-" when absent)."""
    if value is None:
        return "-"
    return f"{format_decimal(value, format='#,##0.0#', locale=_locale())} %"


def num(value: float | None, digits: int = 2) -> str:
    """A number with up to ``digits`` decimals, trailing zeros dropped."""
    if value is None:
        return "-"
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return str(format_decimal(value, format=pattern, locale=_locale()))


def fixed(value: float | None, digits: int = 2) -> str:
    """A table figure with a fixed number of decimals (39,50)."""
    if value is None:
        return "-"
    return str(format_decimal(value, format="#,##0." + "0" * digits, locale=_locale()))


def integer(value: float | None) -> str:
    """A count (1.234); "x" when hidden."""
    if value is None:
        return "x"
    return str(format_decimal(value, format="#,##0", locale=_locale()))


def ci_text(bounds: list[float] | None) -> str:
    """An interval of a table, two decimals: 7,59 - 10,51."""
    if not bounds:
        return "-"
    low = format_decimal(bounds[0], format="0.00", locale=_locale())
    high = format_decimal(bounds[1], format="0.00", locale=_locale())
    return f"{low} - {high}"


def whole(value: float) -> str:
    """A percentage in whole points, for readers who decide (a mayor reads
    27 %, not 27,43 %)."""
    return f"{format_decimal(round(value), format='#,##0', locale=_locale())} %"


def whole_range(bounds: list[float]) -> str:
    """An interval in whole points: 24 - 31 %."""
    # Outward rounding: the whole-point interval never claims more precision
    # than the interval it rounds.
    low = format_decimal(math.floor(bounds[0]), format="#,##0", locale=_locale())
    high = format_decimal(math.ceil(bounds[1]), format="#,##0", locale=_locale())
    return f"{low} - {high} %"
