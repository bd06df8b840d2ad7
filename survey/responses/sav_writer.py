"""A streaming writer of SPSS system files (``.sav``), in pure Python.

pyreadstat can only write a whole DataFrame, so memory grows with the
number of cases. This writer takes the dictionary (the variables) first and
then one case at a time, keeping only a small buffer: memory is flat in the
number of cases. The case count in the file header is patched when the
writer is closed (or left at -1, "unknown", on a stream that cannot seek).

What it writes, in file order (the layout is the public SPSS system file
format as described in the GNU PSPP developers guide):

- the file header record (``$FL2``, little-endian layout code 2, bias 100);
- one variable record (type 2) per variable: numeric (type 0, format
  Fw.d, F8.2 unless the variable says otherwise, or DATE11 for a day), or
  string (type = width in bytes, format A<width>), followed by the
  continuation records (type -1) of a string wider than 8 bytes; a *very
  long* string (more than 255 bytes) is written as segments of 255 bytes
  (one segment per 252 bytes of width), tied together by the subtype 14
  record; the variable label (at most 255 bytes, never cut inside a UTF-8
  character) and up to three discrete user-missing values;
- value labels (type 3 + type 4 records) of numeric variables, one record
  pair per distinct label set; labels are cut at 120 bytes, SPSS's limit;
- the documents (type 6), when there are any: lines of 80 bytes (a longer
  line is wrapped, never inside a UTF-8 character), what SPSS shows with
  DISPLAY DOCUMENTS;
- machine integer (subtype 3) and floating point (subtype 4) info, variable
  display parameters (subtype 11: measure, display width 8, alignment left
  for strings and right for numbers), long variable names (subtype 13),
  very long strings (subtype 14) when there are any, the character
  encoding (subtype 20, UTF-8) and the dictionary termination (999);
- the cases, with bytecode compression by default (``compression=1``, what
  SPSS itself writes): every 8-byte value is one command byte in a block of
  eight, with the raw 8 bytes following the block only when needed. A
  whole number from -99 to 151 is its code (value + 100), system-missing
  is 255, eight spaces of a string are 254, anything else is 253 plus the
  raw bytes. Survey codes and empty cells therefore take one byte instead
  of eight, and an empty free-text column one byte per 8 bytes of width:
  files are several times smaller than uncompressed ones, and packing a
  case costs about the same as writing it uncompressed (a dict look-up per
  number instead of a ``struct`` pack). ``compress=False`` writes the
  uncompressed layout (8 bytes per value) instead.

Values: ``None`` (or NaN) in a numeric variable is system-missing; ``None``
in a string variable is the empty string. A string longer than its
variable's width is cut at the width, on a character boundary. A day in a
date variable is a number like any other: seconds since 14 October 1582
(``spss_date``).
"""

from __future__ import annotations

import math
import struct
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat
from typing import Any, BinaryIO

MAX_STRING_WIDTH = 32767
"""The widest string SPSS stores, in bytes."""
SHORT_STRING_MAX = 255
"""Wider strings are very long strings, stored as segments."""
SEGMENT_WIDTH = 252
"""Bytes of a very long string's width per segment (each segment but the
last is nevertheless 255 bytes wide: the format's own quirk)."""
MAX_VARIABLE_LABEL = 255
DOCUMENT_LINE = 80
MAX_VALUE_LABEL = 120
MAX_NAME = 64

SYSMIS = b"\xff\xff\xff\xff\xff\xff\xef\xff"
"""System-missing: -DBL_MAX, little-endian."""
HIGHEST = 0x7FEFFFFFFFFFFFFF
LOWEST = 0xFFEFFFFFFFFFFFFE
BIAS = 100
SPACES = b" " * 8
CODE_RAW = 253
CODE_SPACES = 254
CODE_SYSMIS = 255

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MEASURES = {"unknown": 0, "nominal": 1, "ordinal": 2, "scale": 3}
ALIGN_LEFT, ALIGN_RIGHT = 0, 1
FORMAT_F, FORMAT_A, FORMAT_DATE = 5, 1, 20
FORMAT_DAY = FORMAT_DATE << 16 | 11 << 8
"""DATE11 (dd-mmm-yyyy): the print and write format of a day."""
GREGORIAN_START = date(1582, 10, 14)
"""Day zero of SPSS dates."""

HEADER_SIZE = 176
NCASES_OFFSET = 80
"""Where the int32 case count sits in the file header."""

FLUSH_CODES = 8 * 4096
"""Compressed output is written once this many command bytes are pending."""

_DOUBLE = struct.Struct("<d")
_INT = struct.Struct("<i")

# Number -> command byte for the numbers the bias lets compress; ``None``
# (an empty cell) is system-missing. Floats equal to these integers hash the
# same (1.0 finds 1), so one look-up serves both.
_CODES: dict[Any, int] = {n: n + BIAS for n in range(1 - BIAS, 252 - BIAS)}
_CODES[None] = CODE_SYSMIS


class SavError(ValueError):
    """A dictionary that an SPSS system file cannot hold."""


@dataclass(frozen=True)
class SavVariable:
    """One variable of the file.

    ``width`` is 0 for a numeric variable, else the string width in bytes
    (1-32767). ``value_labels`` and ``missing`` (at most three discrete
    user-missing codes) apply to numeric variables only. ``measure`` is
    ``nominal``, ``ordinal``, ``scale`` or ``unknown``. A numeric variable
    with ``date`` holds days (``spss_date``) shown as DATE11.
    """

    name: str
    label: str = ""
    width: int = 0
    value_labels: Mapping[float, str] = field(default_factory=dict)
    missing: Sequence[float] = ()
    measure: str = "unknown"
    format_width: int = 8
    """The print and write format of a numeric variable:
    F<format_width>.<format_decimals> (a day: DATE11)."""
    format_decimals: int = 2
    date: bool = False

    @property
    def format_code(self) -> int:
        """The format as SPSS packs it in an int32: type, width, decimals."""
        if self.is_string:
            return FORMAT_A << 16 | min(self.width, 255) << 8
        if self.date:
            return FORMAT_DAY
        return FORMAT_F << 16 | self.format_width << 8 | self.format_decimals

    @property
    def is_string(self) -> bool:
        """Whether the variable holds text (a width above 0) rather than numbers."""
        return self.width > 0

    @property
    def segments(self) -> list[int]:
        """The widths of the variable records that hold this variable: one
        for a number or a string up to 255 bytes, else the segments of a very
        long string."""
        if self.width <= SHORT_STRING_MAX:
            return [self.width]
        count = (self.width + SEGMENT_WIDTH - 1) // SEGMENT_WIDTH
        return [SHORT_STRING_MAX] * (count - 1) + [self.width - (count - 1) * SEGMENT_WIDTH]

    @property
    def slots(self) -> int:
        """8-byte units of one case taken by this variable."""
        return sum(_segment_slots(w) for w in self.segments)


def spss_date(day: date) -> float:
    """A day as SPSS stores it: seconds since 14 October 1582."""
    return float((day - GREGORIAN_START).days * 86400)


def _segment_slots(width: int) -> int:
    return 1 if width == 0 else (width + 7) // 8


def cut_utf8(data: bytes, limit: int) -> bytes:
    """``data`` cut to at most ``limit`` bytes without splitting a UTF-8
    character (an incomplete trailing sequence is dropped)."""
    if len(data) <= limit:
        return data
    return data[:limit].decode("utf-8", "ignore").encode("utf-8")


def wrap_bytes(text: str, limit: int = DOCUMENT_LINE) -> list[bytes]:
    """``text`` in UTF-8 lines of at most ``limit`` bytes, broken between
    words where it can (a word longer than a line is cut, never inside a
    character)."""
    lines: list[bytes] = []
    current = b""
    for word in text.split():
        data = word.encode("utf-8")
        candidate = current + b" " + data if current else data
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            lines.append(current)
        while len(data) > limit:
            piece = cut_utf8(data, limit)
            lines.append(piece)
            data = data[len(piece) :]
        current = data
    if current or not lines:
        lines.append(current)
    return lines


def _text(value: str, limit: int) -> bytes:
    return cut_utf8(value.encode("utf-8"), limit)


def _check(variables: Sequence[SavVariable]) -> None:
    if not variables:
        raise SavError("a system file needs at least one variable")
    seen: set[str] = set()
    for var in variables:
        name = var.name.encode("utf-8")
        if not name or len(name) > MAX_NAME:
            raise SavError(f"variable name {var.name!r}: 1 to {MAX_NAME} bytes")
        if var.name.casefold() in seen:
            raise SavError(f"variable name {var.name!r} is used twice")
        seen.add(var.name.casefold())
        if not 0 <= var.width <= MAX_STRING_WIDTH:
            raise SavError(f"{var.name}: string width must be 1 to {MAX_STRING_WIDTH} bytes")
        if var.measure not in MEASURES:
            raise SavError(f"{var.name}: unknown measure {var.measure!r}")
        if len(var.missing) > 3:
            raise SavError(f"{var.name}: at most three user-missing values")
        if var.is_string and (var.missing or var.value_labels or var.date):
            raise SavError(f"{var.name}: missing values, value labels and dates need a number")
        if not var.is_string and not (
            1 <= var.format_width <= 40 and 0 <= var.format_decimals < var.format_width
        ):
            raise SavError(f"{var.name}: format F{var.format_width}.{var.format_decimals}")


class SavWriter:
    """Writes a system file case by case to a binary stream.

    Use as a context manager, or call ``close()`` (which does not close the
    stream): it writes what is still buffered and patches the case count.
    ``write_row`` takes the values in variable order.
    """

    def __init__(
        self,
        stream: BinaryIO,
        variables: Sequence[SavVariable],
        *,
        compress: bool = True,
        file_label: str = "",
        timestamp: float | None = None,
        documents: Sequence[str] = (),
    ) -> None:
        _check(variables)
        self.stream = stream
        self.variables = list(variables)
        self.documents = list(documents)
        self.compress = compress
        self.rows = 0
        self._closed = False
        self._start = stream.tell() if stream.seekable() else None
        self._codes = bytearray()
        self._raw: list[bytes] = []
        self._plan = self._make_plan()
        self._write_dictionary(file_label, time.localtime(timestamp))

    # -- dictionary ---------------------------------------------------------

    def _short_names(self) -> list[list[bytes]]:
        """An 8-byte short name per variable record (segments included):
        V1, V2, ... in dictionary order; the real names go in subtype 13."""
        names: list[list[bytes]] = []
        number = 0
        for var in self.variables:
            own = []
            for _ in var.segments:
                number += 1
                own.append(f"V{number}".encode("ascii").ljust(8))
            names.append(own)
        return names

    def _write_dictionary(self, file_label: str, now: time.struct_time) -> None:
        out = bytearray()
        case_size = sum(v.slots for v in self.variables)
        out += b"$FL2"
        out += b"@(#) SPSS DATA FILE - zvp survey platform".ljust(60)
        out += struct.pack("<iiiii", 2, case_size, 1 if self.compress else 0, 0, -1)
        out += _DOUBLE.pack(float(BIAS))
        out += f"{now.tm_mday:02d} {MONTHS[now.tm_mon - 1]} {now.tm_year % 100:02d}".encode()
        out += time.strftime("%H:%M:%S", now).encode()
        out += _text(file_label, 64).ljust(64)
        out += b"\0\0\0"
        assert len(out) == HEADER_SIZE

        short_names = self._short_names()
        for var, names in zip(self.variables, short_names, strict=True):
            for index, width in enumerate(var.segments):
                first = index == 0
                label = _text(var.label, MAX_VARIABLE_LABEL) if first else b""
                missing = list(var.missing) if first else []
                fmt = (FORMAT_A << 16 | min(width, 255) << 8) if var.is_string else var.format_code
                out += struct.pack("<iiiiii", 2, width, 1 if label else 0, len(missing), fmt, fmt)
                out += names[index]
                if label:
                    out += _INT.pack(len(label)) + label.ljust((len(label) + 3) // 4 * 4, b" ")
                for value in missing:
                    out += _DOUBLE.pack(float(value))
                for _ in range(_segment_slots(width) - 1):
                    out += struct.pack("<iiiiii", 2, -1, 0, 0, 0, 0) + SPACES

        out += self._value_label_records()
        out += self._document_record()

        # Machine integer info: version 20.0.0, IEEE floats, compression,
        # little-endian, code page 65001 (UTF-8).
        out += struct.pack("<iiii", 7, 3, 4, 8)
        out += struct.pack("<8i", 20, 0, 0, -1, 1, 1, 2, 65001)
        out += struct.pack("<iiii", 7, 4, 8, 3) + SYSMIS + struct.pack("<QQ", HIGHEST, LOWEST)

        display = bytearray()
        for var in self.variables:
            entry = struct.pack(
                "<iii",
                MEASURES[var.measure],
                8,
                ALIGN_LEFT if var.is_string else ALIGN_RIGHT,
            )
            display += entry * len(var.segments)
        out += struct.pack("<iiii", 7, 11, 4, len(display) // 4) + display

        long_names = b"\t".join(
            names[0].rstrip() + b"=" + var.name.encode("utf-8")
            for var, names in zip(self.variables, short_names, strict=True)
        )
        out += struct.pack("<iiii", 7, 13, 1, len(long_names)) + long_names

        very_long = b"".join(
            names[0].rstrip() + b"=" + f"{var.width:05d}".encode() + b"\0\t"
            for var, names in zip(self.variables, short_names, strict=True)
            if var.width > SHORT_STRING_MAX
        )
        if very_long:
            out += struct.pack("<iiii", 7, 14, 1, len(very_long)) + very_long

        out += struct.pack("<iiii", 7, 20, 1, 5) + b"UTF-8"
        out += struct.pack("<ii", 999, 0)
        self.stream.write(bytes(out))

    def _value_label_records(self) -> bytes:
        """Type 3 (labels) + type 4 (the variables' dictionary indexes)
        records, one pair per distinct label set."""
        sets: dict[tuple[tuple[float, str], ...], list[int]] = {}
        index = 1
        for var in self.variables:
            if var.value_labels:
                key = tuple((float(v), str(lab)) for v, lab in var.value_labels.items())
                sets.setdefault(key, []).append(index)
            index += var.slots
        out = bytearray()
        for labels, indexes in sets.items():
            out += struct.pack("<ii", 3, len(labels))
            for value, label in labels:
                text = _text(label, MAX_VALUE_LABEL)
                entry = bytes([len(text)]) + text
                out += _DOUBLE.pack(value) + entry.ljust((len(entry) + 7) // 8 * 8, b" ")
            out += struct.pack("<ii", 4, len(indexes)) + struct.pack(f"<{len(indexes)}i", *indexes)
        return bytes(out)

    def _document_record(self) -> bytes:
        """The type 6 record: every document in lines of 80 bytes."""
        lines = [line for document in self.documents for line in wrap_bytes(document)]
        if not lines:
            return b""
        return struct.pack("<ii", 6, len(lines)) + b"".join(
            line.ljust(DOCUMENT_LINE, b" ") for line in lines
        )

    # -- cases --------------------------------------------------------------

    def _make_plan(self) -> list[tuple[bool, int, int, int]]:
        """Steps over a case: (is_string, first column, end column or
        width, storage bytes). Consecutive numeric columns form one run."""
        plan: list[tuple[bool, int, int, int]] = []
        for column, var in enumerate(self.variables):
            if var.is_string:
                plan.append((True, column, var.width, var.slots * 8))
            elif plan and not plan[-1][0] and plan[-1][2] == column:
                plan[-1] = (False, plan[-1][1], column + 1, 0)
            else:
                plan.append((False, column, column + 1, 0))
        return plan

    def _storage(self, value: Any, width: int, size: int) -> bytes:
        """A string value as its ``size`` stored bytes, space padded; a very
        long string is laid out in 255-byte pieces, one per 256-byte segment."""
        data = (value if isinstance(value, str) else str(value)).encode("utf-8")
        if len(data) > width:
            data = cut_utf8(data, width)
        if width <= SHORT_STRING_MAX:
            return data.ljust(size, b" ")
        # Every segment but the last holds 255 bytes in 256; the width fits
        # in the segments (see ``segments``), so only padding is cut off.
        pieces = [data[i : i + SHORT_STRING_MAX] for i in range(0, len(data), SHORT_STRING_MAX)]
        stored = b"".join(p.ljust(256, b" ") for p in pieces)
        return stored[:size].ljust(size, b" ")

    def write_row(self, row: Sequence[Any]) -> None:
        """Append one case: its values in variable order."""
        if self.compress:
            self._compress_row(row)
        else:
            self.stream.write(self._plain_row(row))
        self.rows += 1

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        """Write every row of ``rows`` (``write_row`` each)."""
        for row in rows:
            self.write_row(row)

    def _compress_row(self, row: Sequence[Any]) -> None:
        codes = self._codes
        raw = self._raw
        get = _CODES.get
        for is_string, start, end, size in self._plan:
            if not is_string:
                numbers = row[start:end]
                found = list(map(get, numbers, repeat(CODE_RAW)))
                if CODE_RAW not in found:
                    codes += bytes(found)
                    raw += repeat(b"", len(found))
                    continue
                for value, code in zip(numbers, found, strict=True):
                    if code != CODE_RAW:
                        codes.append(code)
                        raw.append(b"")
                        continue
                    number = float(value)
                    if math.isnan(number):
                        codes.append(CODE_SYSMIS)
                        raw.append(b"")
                    else:
                        codes.append(CODE_RAW)
                        raw.append(_DOUBLE.pack(number))
                continue
            value = row[start]
            blocks = size // 8
            if value is None or value == "":
                codes += b"\xfe" * blocks
                raw += repeat(b"", blocks)
                continue
            stored = self._storage(value, end, size)
            for offset in range(0, size, 8):
                block = stored[offset : offset + 8]
                if block == SPACES:
                    codes.append(CODE_SPACES)
                    raw.append(b"")
                else:
                    codes.append(CODE_RAW)
                    raw.append(block)
        if len(codes) >= FLUSH_CODES:
            self._flush(final=False)

    def _flush(self, *, final: bool) -> None:
        """Write the complete 8-command blocks (all of them when ``final``,
        the last one padded with 0, "no operation"), each followed by the raw
        values its 253 codes announce."""
        codes, raw = self._codes, self._raw
        if final and len(codes) % 8:
            pad = 8 - len(codes) % 8
            codes += bytes(pad)
            raw += repeat(b"", pad)
        full = len(codes) // 8 * 8
        out: list[bytes | bytearray] = []
        append, extend = out.append, out.extend
        for block in range(0, full, 8):
            append(codes[block : block + 8])
            extend(raw[block : block + 8])
        self.stream.write(b"".join(out))
        del codes[:full]
        del raw[:full]

    def _plain_row(self, row: Sequence[Any]) -> bytes:
        out: list[bytes] = []
        for is_string, start, end, size in self._plan:
            if is_string:
                value = row[start]
                if value is None or value == "":
                    out.append(b" " * size)
                else:
                    out.append(self._storage(value, end, size))
                continue
            for value in row[start:end]:
                if value is None:
                    out.append(SYSMIS)
                    continue
                number = float(value)
                out.append(SYSMIS if math.isnan(number) else _DOUBLE.pack(number))
        return b"".join(out)

    # -- end ----------------------------------------------------------------

    def close(self) -> None:
        """Write what is buffered and patch the case count into the header."""
        if self._closed:
            return
        self._closed = True
        if self.compress:
            self._flush(final=True)
        if self._start is not None:
            end = self.stream.tell()
            self.stream.seek(self._start + NCASES_OFFSET)
            self.stream.write(_INT.pack(self.rows))
            self.stream.seek(end)
        self.stream.flush()

    def __enter__(self) -> SavWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
