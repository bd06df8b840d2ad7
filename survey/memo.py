"""Memory for the report's pure and costly steps: the disclosure audit
(``survey.analysis.report``), the charts (``survey.reporting.charts``) and
the PDF's layout (``survey.reporting.pdf_writer``). Opening the report
page, then downloading its PDF or DOCX, builds the same report two or three
times over; with this the audit runs and the charts are drawn once.

A result is found again only for exactly the same inputs: the key is made
from the inputs themselves (their pickled bytes or their ``repr``, with the
interface language), never from a version number or a time. So a result
can never be stale: a new response, another threshold, a changed label or
a changed margin gives other inputs, hence a new key and a fresh result.
It is only worth it because the steps it remembers are pure functions of
their arguments; never put a step that reads the database or the clock
behind it.

Per process, bounded: the least recently used result goes first. Measured
gains are in bench/notes.md.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    """A bounded, thread-safe map from an input key to a result, with
    counts of hits and misses (for tests and the benchmark)."""

    def __init__(self, name: str, size: int) -> None:
        """Keep at most ``size`` results."""
        self.name = name
        self.size = size
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[bytes, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: bytes, make: Callable[[], T]) -> T:
        """The result remembered under ``key``, else ``make()`` remembered.
        Two threads missing the same key both make it (the result is the
        same); the lock only guards the map."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]  # type: ignore[no-any-return]
            self.misses += 1
        value = make()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every result and reset the counts."""
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0


def language() -> str:
    """The interface language of the current request (part of every key:
    the steps put translated labels into their results)."""
    from flask_babel import get_locale

    return str(get_locale() or "")


class _KeyPickler(pickle.Pickler):
    """Pickles a database row (an ORM instance) as its class and column
    values, not its session state: that state (which relations happen to
    be loaded) differs between two builds of the same report."""

    def reducer_override(self, obj: Any) -> Any:
        state = getattr(obj, "_sa_instance_state", None)
        if state is None or isinstance(obj, type):
            return NotImplemented
        columns = tuple(
            (column.key, getattr(obj, column.key)) for column in state.mapper.column_attrs
        )
        return (tuple, ((type(obj).__qualname__, columns),))


def pickled_key(*parts: object) -> bytes | None:
    """A key from the pickled bytes of ``parts`` with the interface
    language (database rows by their column values); ``None`` when
    something in them cannot be pickled (then the caller computes without
    remembering). Equal bytes mean equal inputs; unequal bytes for equal
    inputs (another order of a set) only cost a miss."""
    buffer = io.BytesIO()
    pickler = _KeyPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # Without pickle's memo an object met twice is written twice: the bytes
    # then depend on the values alone, not on which equal objects happen to
    # be one object (that differs between a first build and the next).
    pickler.fast = True
    try:
        pickler.dump((language(), parts))
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
        return None
    return hashlib.sha256(buffer.getvalue()).digest()


def repr_key(*parts: object) -> bytes:
    """A key from the ``repr`` of ``parts`` (plain values: strings,
    numbers, tuples and lists of them) with the interface language."""
    return hashlib.sha256(repr((language(), parts)).encode("utf-8")).digest()


def remember_pickled(memo: Memo, key: bytes | None, make: Callable[[], T]) -> T:
    """``make()``, remembered in ``memo`` as pickled bytes so that every
    caller gets its own copy (no caller can change another's result)."""
    if key is None:
        return make()
    data = memo.get_or_make(key, lambda: pickle.dumps(make(), protocol=pickle.HIGHEST_PROTOCOL))
    return pickle.loads(data)  # type: ignore[no-any-return]  # noqa: S301 (our own bytes)


AUDITS = Memo("audit", 8)
"""Protected summaries of the report (``disclosure.protect_report``)."""

CHARTS = Memo("charts", 48)
"""Drawn charts (``survey.reporting.charts``): about two reports' worth,
each with its matplotlib figure kept for a PNG."""

PDFS = Memo("pdf", 4)
"""Laid-out report PDFs by their HTML (``survey.reporting.pdf_writer``)."""
