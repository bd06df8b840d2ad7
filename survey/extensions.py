"""The Flask extensions, created unbound and attached in ``create_app``."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from flask import g, has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session

# Named constraints, so Alembic can drop and alter them on every engine.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The models' base: constraint names follow ``NAMING_CONVENTION``, so
    migrations can drop and alter them on SQLite and PostgreSQL alike."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# What services accept: a plain session (tests, scripts) or Flask-SQLAlchemy's
# scoped session (requests, commands).
DbSession = Session | scoped_session[Any]

if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite: enforce foreign keys, WAL for concurrent readers, and wait for
    locks instead of failing at once. Transactions are begun explicitly (see
    ``_sqlite_begin``) so that a writer takes its lock at the start."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_CHECKED_IN_AT = "checked_in_at"


def check_connections_after_idle(engine: Engine, idle_seconds: float) -> None:
    """Ping a pooled connection before use only when it has been idle for
    ``idle_seconds`` or more; replace it when the ping fails.

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout: on PostgreSQL a
    round trip per request (~0.25 ms of a 2 ms page; the final submit made
    8 round trips with it; bench/). Connections that were in use a
    moment ago are trusted instead. What that gives up: after a database
    restart, a worker whose connection was used less than ``idle_seconds``
    before the restart fails its next request once, with the Dutch 503 page
    that keeps the posted answers for a retry (``web.register_error_pages``);
    SQLAlchemy then replaces the whole pool, so the retry works. A
    connection idle for longer (the usual case after a restart, or behind a
    firewall or pooler that drops idle connections) is pinged and replaced
    without anyone noticing. SQLite files do not disconnect: no ping."""
    if engine.dialect.name == "sqlite":
        return
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_after_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in = record.info.get(_CHECKED_IN_AT)
        if checked_in is None or time.monotonic() - checked_in < idle_seconds:
            return  # new, or in use a moment ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception:  # a failed ping, whatever the driver raised
            alive = False
        if not alive:
            # The pool discards this connection and checks out another (a
            # new connect that fails is the usual 503).
            raise DisconnectionError("connection lost while idle")


READ_ONLY_FLAG = "read_only_transaction"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def read_only_request() -> None:
    """``before_request`` hook of pages that read first and write last (the
    residents' pages): their transactions begin as readers (DEFERRED on
    SQLite), so reading never queues behind another worker's write lock. A
    GET never writes; a POST calls ``begin_writes`` right before its first
    write. Any other write is refused (``_refuse_writes``) on every engine,
    so a forgotten ``begin_writes`` fails in the tests, not only under
    contention (upgrading a deferred read to a write fails at once with
    "database is locked" when another worker has written meanwhile).

    On PostgreSQL a GET reads in autocommit: under READ COMMITTED every
    statement sees its own snapshot anyway, so a transaction around reads
    adds only the BEGIN and COMMIT round trips (two of a page's four)."""
    setattr(g, READ_ONLY_FLAG, True)
    if request.method in ("GET", "HEAD") and db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def begin_writes(session: DbSession) -> None:
    """Turn the reading transaction of a ``read_only_request`` POST into a
    writing one, right before its first write; a no-op elsewhere (commands,
    tests, other pages: their transactions are writers from the start).

    On SQLite the reader's snapshot ends and BEGIN IMMEDIATE takes the write
    lock (waiting up to ``busy_timeout``), so the lock is held for the writes
    and the commit only, not for the reads and checks before them. What was
    read may have changed meanwhile; the writes are guarded instead of
    locked: the draft's revision (``version_id_col``: StaleDataError), the
    unique submission key (IntegrityError) and the invitation code's guarded
    UPDATE. A GET may not write: it raises."""
    connection = session.connection()
    if not connection.info.get(READ_ONLY_FLAG):
        return
    if has_request_context() and request.method in ("GET", "HEAD"):
        raise RuntimeError("a GET of a read_only_request page tried to write")
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("COMMIT")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    connection.info[READ_ONLY_FLAG] = False


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection: Any) -> None:
    # BEGIN IMMEDIATE: two concurrent submissions queue on the busy timeout
    # instead of one failing with "database is locked" on lock upgrade.
    # Requests marked read-only (``read_only_request``) begin DEFERRED and
    # upgrade with ``begin_writes``.
    read_only = has_request_context() and bool(g.get(READ_ONLY_FLAG))
    connection.info[READ_ONLY_FLAG] = read_only  # on every engine, so tests catch a write
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


@event.listens_for(Engine, "before_cursor_execute")
def _refuse_writes(
    connection: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    if connection.info.get(READ_ONLY_FLAG) and statement.lstrip()[:7].upper().startswith(_WRITES):
        raise RuntimeError(
            "a request marked read-only (read_only_request) wrote before begin_writes"
        )
