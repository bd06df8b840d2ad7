"""Redaction of personal identifiers; ordinary numbers must survive."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.privacy.redaction import (
    EMAIL,
    IBAN,
    NATIONAL_NUMBER,
    PHONE,
    PLATE,
    iban_is_valid,
    national_number_is_valid,
    redact,
)


def nrn_check(body: str, born_2000s: bool = False) -> str:
    """Check digits computed independently: 97 - (body mod 97), '2' prefixed from 2000."""
    number = int(("2" if born_2000s else "") + body)
    return f"{97 - number % 97:02d}"


def test_placeholders_are_dutch() -> None:
    assert EMAIL == "[e-mail verwijderd]"
    assert PHONE == "[telefoonnummer verwijderd]"
    assert NATIONAL_NUMBER == "[rijksregisternummer verwijderd]"
    assert PLATE == "[nummerplaat verwijderd]"
    assert IBAN == "[IBAN verwijderd]"


@pytest.mark.parametrize(
    "address",
    [
        "jan.peeters@telenet.be",
        "J.Peeters+zvp@politie-gent.be",
        "info@stad.evergem.be",
        "a_b@x.co.uk",
    ],
)
def test_email(address: str) -> None:
    assert redact(f"Mail mij op {address}, bedankt.") == f"Mail mij op {EMAIL}, bedankt."


@pytest.mark.parametrize(
    "number",
    [
        "+32 470 12 34 56",
        "+32470123456",
        "+32 (0)9 123 45 67",
        "0032 470 12 34 56",
        "0032 9 123 45 67",
        "0470 12 34 56",
        "0470/12.34.56",
        "0470123456",
        "0470 123 456",
        "04 70 12 34 56",
        "09 123 45 67",
        "09/123.45.67",
        "091234567",
        "02-123-45-67",
        "050 12 34 56",
        "+31 6 12345678",
        "0485-12-34-56",
        "09.123.45.67",
        "0032(0)470 12 34 56",
        "0800 12 345",
    ],
)
def test_phone_numbers(number: str) -> None:
    assert redact(f"Bel {number} na 18 uur") == f"Bel {PHONE} na 18 uur"


def test_phone_followed_by_another_number() -> None:
    assert redact("Ik belde 0470 12 34 56 2 keer") == f"Ik belde {PHONE} 2 keer"
    assert redact("tel: 09 123 45 67.") == f"tel: {PHONE}."


def test_national_register_numbers() -> None:
    formatted = f"85.07.30-033.{nrn_check('850730033')}"
    assert redact(f"Mijn RRN is {formatted}.") == f"Mijn RRN is {NATIONAL_NUMBER}."
    for text in ("850730-033.28", "850730 033 28", "85 07 30 033 28", "85.07.30.033.28"):
        assert redact(f"nr {text} ok") == f"nr {NATIONAL_NUMBER} ok"
    # Formatted numbers go even with wrong check digits.
    assert redact("85.07.30-033.99") == NATIONAL_NUMBER
    bare = "850730033" + nrn_check("850730033")
    assert redact(f"rrn {bare}") == f"rrn {NATIONAL_NUMBER}"
    bare_2000s = "040105123" + nrn_check("040105123", born_2000s=True)
    assert redact(f"zoon: {bare_2000s}") == f"zoon: {NATIONAL_NUMBER}"


def test_bare_eleven_digits_without_valid_checksum_survive() -> None:
    assert redact("bestelling 85073003399 is zoek") == "bestelling 85073003399 is zoek"
    assert not national_number_is_valid("85073003399")
    assert national_number_is_valid("85073003328")
    assert not national_number_is_valid("8507300332")
    # Eleven characters that are not eleven digits: a formatted number, never bare.
    assert not national_number_is_valid("85.07.30.03")


@pytest.mark.parametrize(
    "plate",
    [
        "1-ABC-123",
        "1ABC123",
        "2-xyz-987",
        "1 ABC 123",
        "ABC-123",
        "ABC123",
        "abc-123",
        "123-ABC",
        "2-ABC123",
    ],
)
def test_licence_plates(plate: str) -> None:
    assert (
        redact(f"De wagen met plaat {plate} rijdt te snel")
        == f"De wagen met plaat {PLATE} rijdt te snel"
    )


@pytest.mark.parametrize(
    "iban",
    [
        "BE68 5390 0754 7034",
        "BE68539007547034",
        "be68 5390 0754 7034",
        "BE12 3456 7890 1234",  # Belgian format: always, even with a wrong check
        "NL91 ABNA 0417 1643 00",
        "NL91ABNA0417164300",
        "DE89 3704 0044 0532 0130 00",
        "FR14 2004 1010 0505 0001 3M02 606",
    ],
)
def test_ibans(iban: str) -> None:
    assert redact(f"Stort op {iban} aub") == f"Stort op {IBAN} aub"


def test_foreign_iban_needs_valid_checksum() -> None:
    assert iban_is_valid("GB82 WEST 1234 5698 7654 32")
    assert not iban_is_valid("NL92ABNA0417164300")
    assert redact("code NL92ABNA0417164300") == "code NL92ABNA0417164300"


@pytest.mark.parametrize(
    "text",
    [
        "Er wordt hier 30 km/u gereden, soms 50 km/u.",
        "Sinds 2024 is het erger, in 2019 was het beter.",
        "Ik heb al 3 keer gebeld.",
        "Postcode 9000 Gent, 9940 Evergem.",
        "Op 12/03/2024 om 10:30 en op 01.02.2024 om 14.30 uur.",
        "Het kost € 1.250,00 per jaar en 0,5 promille is de grens.",
        "Zone 30 aan de school, de N9 en de E40, bus 123.",
        "Tussen 22u en 6u, 100 meter verder, 1 op 3 buren.",
        "De boete was EUR 100 of 100 EUR.",
        "Huisnummer 12, bus 3, 2 kinderen van 7 en 10 jaar.",
        "Ondernemingsnummer 0123.456.789 mag blijven.",
        "Tel. 112 of 101 in nood.",
        "Om 07 30 en 08 00 staat het vast.",
        "Het NVP 2022-2025 en KIV 2022-2024.",
        "COVID-19 maatregelen, 2de keer.",
        "Meer dan 1.000.000 euro schade en 12345678 views.",
    ],
)
def test_ordinary_numbers_survive(text: str) -> None:
    assert redact(text) == text


def test_several_identifiers_in_one_comment() -> None:
    text = (
        "Mijn buurman (jan@example.com, 0470 12 34 56) parkeert zijn 1-ABC-123 elke dag"
        " op het voetpad. Rekening BE68 5390 0754 7034. Al 3 keer gemeld sinds 2023."
    )
    assert redact(text) == (
        f"Mijn buurman ({EMAIL}, {PHONE}) parkeert zijn {PLATE} elke dag"
        f" op het voetpad. Rekening {IBAN}. Al 3 keer gemeld sinds 2023."
    )


def test_empty_and_idempotent() -> None:
    assert redact("") == ""
    once = redact("Bel 0470 12 34 56 of mail a@b.be")
    assert redact(once) == once


# --- every documented rule, for every country and at its boundaries ------------------

# ISO 13616 registry lengths of the countries the module knows (SEPA and neighbours).
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27,
    "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26, "VA": 22, "MA": 28, "TN": 24,
}  # fmt: skip


def make_iban(country: str, length: int, seed: int = 0) -> str:
    """A valid IBAN of ``length`` characters: digits as the account number and the
    check digits of ISO 7064 mod 97-10, computed here."""
    bban = "".join(str((seed * 7 + i * 3) % 10) for i in range(length - 4))
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


def grouped(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


@pytest.mark.parametrize(("country", "length"), sorted(IBAN_LENGTHS.items()))
def test_an_iban_of_every_listed_country_is_redacted(country: str, length: int) -> None:
    iban = make_iban(country, length)
    assert iban_is_valid(iban) and iban_is_valid(grouped(iban))
    for written in (iban, grouped(iban), iban.lower()):
        assert redact(f"Stort op {written} aub") == f"Stort op {IBAN} aub"
    # One character short or long is no IBAN of that country.
    for wrong in (make_iban(country, length - 1), make_iban(country, length + 1)):
        assert not iban_is_valid(wrong)


def test_an_iban_of_an_unlisted_country_stays() -> None:
    iban = make_iban("XK", 20)
    assert not iban_is_valid(iban)
    assert redact(f"code {iban}") == f"code {iban}"


def test_an_iban_runs_on_into_a_following_number() -> None:
    iban = make_iban("NL", 18)
    assert redact(f"{grouped(iban)} 2024") == f"{IBAN} 2024"


@given(
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=28),
    st.integers(min_value=1, max_value=997),
)
def test_every_valid_bare_national_number_is_redacted(
    year: int, month: int, day: int, serial: int
) -> None:
    """Eleven bare digits with valid check digits, for a birth before 2000 or from
    2000 on; the same digits with a wrong check survive (an order number)."""
    body = f"{year:02d}{month:02d}{day:02d}{serial:03d}"
    for born_2000s in (False, True):
        number = body + nrn_check(body, born_2000s)
        assert national_number_is_valid(number)
        assert redact(f"rrn {number} ok") == f"rrn {NATIONAL_NUMBER} ok"
    if body.startswith("00"):
        return  # 00 also starts an international phone number
    valid = {nrn_check(body), nrn_check(body, born_2000s=True)}
    wrong = next(f"{c:02d}" for c in range(100) if f"{c:02d}" not in valid)
    assert not national_number_is_valid(body + wrong)
    assert redact(f"bestelling {body}{wrong}") == f"bestelling {body}{wrong}"


def test_a_date_before_a_number_is_no_phone_number() -> None:
    text = "Op 04/12/2024 12 keer gebeld; sinds 04.11.2023 18 klachten en 4-1-24 3 keer."
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Foreign numbers: 6 digits after the country code are the shortest ...
        ("bel +33 123456 nu", f"bel {PHONE} nu"),
        ("bel +33 1234 nu", "bel +33 1234 nu"),
        # ... and 15 digits with the country code the longest (E.164).
        ("bel +351 123456789012 nu", f"bel {PHONE} nu"),
        ("bel +44 123456789012 nu", f"bel {PHONE} nu"),
        ("bel 0033 612345678 nu", f"bel {PHONE} nu"),
        # Belgian: 8 digits after 0 or +32 (landline), 9 starting with 4 (mobile).
        ("bel +32 9 123 45 67 nu", f"bel {PHONE} nu"),
        ("bel +32 470 12 34 56 nu", f"bel {PHONE} nu"),
        ("bel 0032 470 12 34 56 nu", f"bel {PHONE} nu"),
        ("bel +32 570 12 34 56 nu", "bel +32 570 12 34 56 nu"),
        ("bel 0570 12 34 56 nu", "bel 0570 12 34 56 nu"),
        ("bel 09 123 45 6 nu", "bel 09 123 45 6 nu"),
    ],
)
def test_phone_number_lengths_at_their_boundaries(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "word",
    [
        "EUR", "USD", "GBP", "CHF", "BTW", "KMU", "KWH", "MIN", "SEC", "UUR",
        "NVP", "ZVP", "KIV", "ZVR", "VAN", "TOT", "MET", "PER", "DAG", "MAX", "NIV",
    ],
)  # fmt: skip
def test_units_and_currencies_are_no_licence_plates(word: str) -> None:
    for text in (f"Het was {word} 100 vandaag.", f"Het was {word}-250 of 250-{word}."):
        assert redact(text) == text


def test_a_report_quotes_the_markers_in_its_own_language() -> None:
    """The stored copy keeps the Dutch markers; a Dutch report quotes them
    unchanged, a French one in French (and nothing else of the text)."""
    from flask import Flask
    from flask_babel import force_locale

    from survey import create_app
    from survey.privacy.redaction import markers_in_language

    app: Flask = create_app({"SURVEY_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    stored = redact(
        "Mail jan@voorbeeld.be of bel 0470 12 34 56, auto 1-ABC-123, "
        "rekening BE68 5390 0754 7034, nummer 85.07.30-033.28."
    )
    assert all(marker in stored for marker in (EMAIL, PHONE, PLATE, IBAN, NATIONAL_NUMBER))
    with app.app_context():
        with force_locale("nl"):
            assert markers_in_language(stored) == stored
        with force_locale("fr"):
            french = markers_in_language(stored)
    assert french == (
        "Mail [adresse e-mail supprimée] of bel [numéro de téléphone supprimé], auto "
        "[plaque d'immatriculation supprimée], rekening [IBAN supprimé], nummer "
        "[numéro de registre national supprimé]."
    )
