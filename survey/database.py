"""How the app talks to its database: the settings of every engine and the
transaction modes of requests. Everything that listens to SQLAlchemy's
engine events lives here.

Transaction modes:
- A transaction is a writer from its start. On SQLite it begins IMMEDIATE
  and so takes the write lock at once: two concurrent submissions queue on
  the busy timeout, instead of one failing with "database is locked" when
  a reader tries to become a writer after the other one wrote.
- A GET (or HEAD) of a blueprint that registers ``read_only_gets`` reads
  only: on SQLite its transaction begins DEFERRED, so a page is served while
  another worker holds the write lock (WAL: readers never wait for the
  writer). A write in such a transaction raises on every engine, so a page
  that writes on GET fails in the tests, not only under contention (a
  deferred reader that tries to write after another worker wrote fails at
  once). The residents' pages and the front door register it.
- Work in a thread of its own that only reads (the report PDF,
  ``survey.reporting.pdf_jobs``) calls ``read_only_context`` in its app
  context: its transactions are readers too, so seconds of reading never
  hold the write lock that the pages wait for. Work that reads for long
  and writes now and then (the letter runs, ``survey.planner.mailing``)
  reads inside ``reading()`` and writes each time inside ``writing()``,
  after ending the reader.

PostgreSQL: the pool checks a connection before handing it out
(``pool_pre_ping``, set in ``survey.config``), so a connection dropped by a
database restart is replaced without anyone noticing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from flask import g, has_app_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

READ_ONLY_FLAG = "read_only_transaction"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def configure_engine(engine: Engine) -> None:
    """Attach the app's connection settings and transaction modes to
    ``engine`` (before its first connection)."""
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _begin)
    event.listen(engine, "before_cursor_execute", _refuse_writes)


def read_only_gets() -> None:
    """``before_request`` hook of a blueprint whose GET pages only read
    (see the module's docstring)."""
    if request.method in ("GET", "HEAD"):
        setattr(g, READ_ONLY_FLAG, True)


def read_only_context() -> None:
    """Mark the current app context (a background thread's own) as one that
    only reads (see the module's docstring)."""
    setattr(g, READ_ONLY_FLAG, True)


@contextmanager
def _transactions_read_only(read_only: bool) -> Iterator[None]:
    before = g.get(READ_ONLY_FLAG)
    setattr(g, READ_ONLY_FLAG, read_only)
    try:
        yield
    finally:
        setattr(g, READ_ONLY_FLAG, before)


def reading() -> AbstractContextManager[None]:
    """Within the block, the transactions this app context begins are
    readers (see the module's docstring); a transaction already open keeps
    its mode, so end it first."""
    return _transactions_read_only(True)


def writing() -> AbstractContextManager[None]:
    """Within the block (inside ``reading()``), the transactions this app
    context begins are writers again."""
    return _transactions_read_only(False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite: foreign keys enforced, WAL for readers beside a writer, wait
    for a lock instead of failing at once. pysqlite's own implicit BEGIN is
    switched off: ``_begin`` chooses each transaction's mode."""
    if not type(dbapi_connection).__module__.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin(connection: Any) -> None:
    # g belongs to the app context: a request's, or a background thread's.
    read_only = has_app_context() and bool(g.get(READ_ONLY_FLAG))
    # Noted on every engine, so that ``_refuse_writes`` holds on all of them.
    connection.info[READ_ONLY_FLAG] = read_only
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _refuse_writes(
    connection: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    if connection.info.get(READ_ONLY_FLAG) and statement.lstrip()[:7].upper().startswith(_WRITES):
        raise RuntimeError("a GET of a read_only_gets page tried to write")
