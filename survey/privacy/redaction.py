"""Redaction of personal data in free text before any report shows it.

:func:`redact` replaces, in this order (earlier patterns protect their digits from
later ones):

1. IBANs -> ``[IBAN verwijderd]``: Belgian ``BE`` + 14 digits always (grouped by
   four or not); other countries only when the ISO 13616 mod-97 check holds.
2. E-mail addresses -> ``[e-mail verwijderd]``.
3. Belgian national register numbers -> ``[rijksregisternummer verwijderd]``:
   formatted ones (``85.07.30-033.28``, ``850730-033.28``, ``850730 033 28``)
   always; a bare run of 11 digits only when the mod-97 check holds (born before or
   from 2000), so order numbers and the like survive.
4. Phone numbers -> ``[telefoonnummer verwijderd]``: ``+32``/``0032`` numbers,
   national ``0...`` numbers with 9 digits (landlines, ``09 123 45 67``) or 10
   digits starting ``04`` (mobiles, ``0470 12 34 56``), separated by spaces, dots,
   slashes or dashes; other ``+CC`` international numbers. Dates are not phones.
5. Licence plates -> ``[nummerplaat verwijderd]``: ``1-ABC-123`` and ``1ABC123``
   (any case), ``ABC-123``/``ABC123`` (old style) and ``123-ABC`` (older), with a
   space separator only in capitals, and never for unit or currency words
   (``EUR 100``).

Ordinary numbers survive: ``30 km/u``, ``2024``, ``3 keer``, ``9000 Gent``, times,
dates, amounts. Redaction errs on the side of removal only for the formats above.

The stored redacted copy holds these Dutch markers; a report quotes them in
its own language (:func:`markers_in_language`: ``[adresse e-mail supprimée]``
in French).
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

EMAIL = "[e-mail verwijderd]"
PHONE = "[telefoonnummer verwijderd]"
NATIONAL_NUMBER = "[rijksregisternummer verwijderd]"
PLATE = "[nummerplaat verwijderd]"
IBAN = "[IBAN verwijderd]"

# The markers as a reader reads them; the Dutch catalog gives the markers
# themselves (a test holds them equal).
_MARKER_TEXTS = {
    EMAIL: _l("[e-mail removed]"),
    PHONE: _l("[phone number removed]"),
    NATIONAL_NUMBER: _l("[national register number removed]"),
    PLATE: _l("[licence plate removed]"),
    IBAN: _l("[IBAN removed]"),
}


def markers_in_language(text: str) -> str:
    """A redacted ``text`` with its markers in the language being written
    (``force_locale``; Dutch: unchanged)."""
    for marker, shown in _MARKER_TEXTS.items():
        if marker in text:
            text = text.replace(marker, str(shown))
    return text


# IBAN lengths per country (ISO 13616 registry, SEPA and neighbours); used to
# reject letter-digit runs that merely look like an IBAN.
_IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27,
    "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26, "VA": 22, "MA": 28, "TN": 24,
}  # fmt: skip

_IBAN_RE = re.compile(
    r"(?<![A-Za-z0-9])"
    r"([A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?)"
    r"(?![A-Za-z0-9])"
)
_BE_IBAN_RE = re.compile(r"(?<![A-Za-z0-9])[Bb][Ee]\d{2}(?:[ .-]?\d{4}){3}(?![A-Za-z0-9])")

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][\w.+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![\w-])"
)

_NRN_FORMATTED_RE = re.compile(
    r"(?<![\d.,/-])(?:"
    r"\d{2}[.\- ]\d{2}[.\- ]\d{2}\s?[.\-/ ]?\s?\d{3}[.\- ]?\d{2}"
    r"|\d{6}\s?[.\-/ ]\s?\d{3}[.\- ]?\d{2}"
    r")(?![\d,]|\.\d)"
)
_NRN_BARE_RE = re.compile(r"(?<![\d.,])\d{11}(?![\d,]|\.\d)")

_PHONE_RE = re.compile(
    r"(?<![\w+/.,-])"
    r"(?:(?:\+|00)\s?(?P<cc>\d{1,3})\s?(?:\(0\)\s?)?|(?P<trunk>0))"
    r"(?P<rest>\d(?:[ ./-]?\d){5,11})"
    r"(?![\w/-]|[.,]\d)"
)
# A date at the start of a candidate ("01/02/2024 10 ...") is not a phone number.
_DATE_LIKE_RE = re.compile(
    r"(?:0?[1-9]|[12]\d|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:\d{4}|\d{2})(?!\d)"
)

_PLATE_WORDS_NOT_PLATES = frozenset(
    {
        "EUR", "USD", "GBP", "CHF", "BTW", "KMU", "KWH", "CM3", "MIN", "SEC", "UUR",
        "NVP", "ZVP", "KIV", "ZVR", "VAN", "TOT", "MET", "PER", "DAG", "MAX", "NIV",
    }
)  # fmt: skip
_PLATE_RES = (
    # Current format (since 2010): digit, three letters, three digits.
    re.compile(r"(?<![\w-])(?P<p>[1-9]-?[A-Za-z]{3}-?\d{3})(?![\w-])"),
    re.compile(r"(?<![\w-])(?P<p>[1-9] [A-Z]{3} \d{3})(?![\w-])"),
    # 1973-2010: three letters, three digits.
    re.compile(r"(?<![\w-])(?P<p>[A-Za-z]{3}-\d{3}|[A-Z]{3} ?\d{3})(?![\w-])"),
    # 1962-1973: three digits, three letters.
    re.compile(r"(?<![\w-])(?P<p>\d{3}-[A-Za-z]{3}|\d{3}[A-Z]{3})(?![\w-])"),
)


def _mod97(text: str) -> int:
    digits = "".join(str(int(ch, 36)) for ch in text)
    return int(digits) % 97


def iban_is_valid(candidate: str) -> bool:
    """ISO 13616 check: known country length and mod-97 remainder 1."""
    compact = re.sub(r"[ .-]", "", candidate).upper()
    if _IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    return _mod97(compact[4:] + compact[:4]) == 1


def national_number_is_valid(digits: str) -> bool:
    """Belgian national register number check digits (mod 97), both centuries."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    body, check = int(digits[:9]), int(digits[9:])
    return 97 - body % 97 == check or 97 - int("2" + digits[:9]) % 97 == check


def _replace_iban(match: re.Match[str]) -> str:
    text = match.group(0)
    expected = _IBAN_LENGTHS.get(text[:2].upper())
    if expected is None:
        return text
    # The pattern may run on into a following word or number: cut the candidate at
    # the country's IBAN length, if that falls on a group boundary.
    seen = 0
    for end, char in enumerate(text, start=1):
        if char.isalnum():
            seen += 1
        if seen == expected:
            if (end == len(text) or text[end] == " ") and iban_is_valid(text[:end]):
                return IBAN + text[end:]
            break
    return text


def _replace_bare_nrn(match: re.Match[str]) -> str:
    return NATIONAL_NUMBER if national_number_is_valid(match.group(0)) else match.group(0)


def _is_phone(country: str | None, trunk: bool, digits: str) -> bool:
    if trunk or country == "32":
        # Belgian: 8 digits after the 0 / +32 (landline), or 9 starting with 4 (mobile).
        return len(digits) == 8 or (len(digits) == 9 and digits[0] == "4")
    # Other countries: E.164 allows up to 15 digits including the country code.
    return country is not None and len(digits) >= 6 and len(digits) + len(country) <= 15


def _replace_phone(match: re.Match[str]) -> str:
    text = match.group(0)
    if _DATE_LIKE_RE.match(text):
        return text
    country = match.group("cc")
    trunk = match.group("trunk") is not None
    rest_start = match.start("rest") - match.start()
    # Greedy digits may swallow a following number ("0470 12 34 56 2 keer"): try the
    # whole run first, then shorter runs that end where a digit group ends.
    ends = [
        i + 1
        for i in range(rest_start, len(text))
        if text[i].isdigit() and (i + 1 == len(text) or not text[i + 1].isdigit())
    ]
    for end in reversed(ends):
        digits = re.sub(r"\D", "", text[rest_start:end])
        if _is_phone(country, trunk, digits):
            return PHONE + text[end:]
    return text


def _replace_plate(match: re.Match[str]) -> str:
    plate = match.group("p")
    letters = re.sub(r"[^A-Za-z]", "", plate).upper()
    if letters in _PLATE_WORDS_NOT_PLATES:
        return match.group(0)
    return PLATE


def redact(text: str) -> str:
    """``text`` with personal identifiers replaced by Dutch placeholders."""
    if not text:
        return text
    result = _BE_IBAN_RE.sub(IBAN, text)
    result = _IBAN_RE.sub(_replace_iban, result)
    result = _EMAIL_RE.sub(EMAIL, result)
    result = _NRN_FORMATTED_RE.sub(NATIONAL_NUMBER, result)
    result = _NRN_BARE_RE.sub(_replace_bare_nrn, result)
    result = _PHONE_RE.sub(_replace_phone, result)
    for pattern in _PLATE_RES:
        result = pattern.sub(_replace_plate, result)
    return result
