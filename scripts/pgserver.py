"""A throwaway PostgreSQL server on a free loopback port, for tests and local checks.

Import it from tests::

    import sys, pathlib
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "scripts"))
    from pgserver import PostgresServer

    with PostgresServer() as pg:                  # initdb + start, ~1 s
        url = pg.create_database("survey_test")   # postgresql+psycopg://postgres@127.0.0.1:PORT/survey_test
        ...
    # stopped (pg_ctl -m immediate) and its temporary directory removed

or from the shell (the server keeps running until ``stop``)::

    python scripts/pgserver.py start        # prints the URL and the directory to pass to stop
    python scripts/pgserver.py stop DIR
    python scripts/pgserver.py check        # start, query, stop, with timings

Every server lives in its own ``mkdtemp`` directory (data, log and Unix socket) and
listens on 127.0.0.1 only, with trust authentication for the ``postgres`` role and
durability switched off (fsync, synchronous_commit, full_page_writes) for speed.

Running as root: initdb and pg_ctl refuse root, so the directory is made under /tmp,
given to the ``postgres`` system user (created with useradd if missing) and both
programs run through ``runuser -u postgres --``. As any other user they run directly.

pytest-xdist: servers are fully independent (own directory, own port chosen by the
kernel, retried if another process grabs the port first), so each xdist worker simply
starts its own server from a session-scoped fixture. Nothing is shared between
workers, and there is no lock or reference count to get wrong. The cost is one
start per worker (~1 s). A server left behind by a killed process lives in
/tmp/pgserver-*; ``python scripts/pgserver.py stop DIR`` removes it.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

# The sibling helper module, however this file is loaded (a path, -m, import).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from throwaway import ThrowawayServer

__all__ = ["PostgresNotFound", "PostgresServer", "PostgresStartError", "find_bindir"]

INSTALL_HINT = "install Debian's postgresql package: make setup"
_DB_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class PostgresNotFound(RuntimeError):
    """No PostgreSQL server binaries (initdb, pg_ctl) on this machine."""


class PostgresStartError(RuntimeError):
    """initdb or pg_ctl failed; the message carries their output and the server log."""


def _has_server_binaries(bindir: Path) -> bool:
    return (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file()


def find_bindir() -> Path:
    """Directory with initdb and pg_ctl.

    Order: $PG_BINDIR, ``pg_config --bindir``, then the newest /usr/lib/postgresql/*/bin.
    Links in /usr/local/bin or on PATH are deliberately not trusted.
    """
    candidates: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
            if out:
                candidates.append(Path(out))
        except (subprocess.SubprocessError, OSError):
            pass

    def version_key(path: str) -> tuple[int, ...]:
        parts = Path(path).parent.name.split(".")
        return tuple(int(p) if p.isdigit() else -1 for p in parts)

    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version_key, reverse=True):
        candidates.append(Path(d))
    for bindir in candidates:
        if _has_server_binaries(bindir):
            return bindir
    raise PostgresNotFound(f"No PostgreSQL server binaries (initdb, pg_ctl) found: {INSTALL_HINT}")


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _ensure_postgres_user() -> None:
    import pwd

    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"],
            check=True,
            capture_output=True,
        )


class PostgresServer(ThrowawayServer):
    """A PostgreSQL server in a temporary directory; a context manager.

    Attributes once started: ``port``, ``url`` (SQLAlchemy, psycopg 3 driver),
    ``dsn`` (libpq / psycopg), ``directory`` (data dir, log, socket).
    """

    PREFIX = "pgserver-"

    def __init__(self, max_connections: int = 200, start_timeout: int = 60) -> None:
        super().__init__()
        self.max_connections = max_connections
        self.start_timeout = start_timeout
        self.bindir = find_bindir()
        self.as_root = _is_root()

    # -- public API ---------------------------------------------------------
    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the ``postgres`` database."""
        return self.url_for("postgres")

    @property
    def dsn(self) -> str:
        """A libpq connection string for the ``postgres`` database (psql,
        psycopg); the server must be running."""
        self._require_running()
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url_for(self, database: str) -> str:
        """The SQLAlchemy URL (psycopg 3) of ``database`` as the superuser,
        over TCP on localhost; the server must be running."""
        self._require_running()
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """CREATE DATABASE ``name`` and return its SQLAlchemy URL."""
        import psycopg
        from psycopg import sql

        if not _DB_NAME.match(name):
            raise ValueError(f"not a plain database name: {name!r}")
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """DROP DATABASE ``name`` (if it exists), closing its connections."""
        import psycopg
        from psycopg import sql

        if not _DB_NAME.match(name):
            raise ValueError(f"not a plain database name: {name!r}")
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    # -- internals -----------------------------------------------------------
    def _base_directory(self) -> str | None:
        # As root: under /tmp, not $TMPDIR or /root (0700), so that postgres can enter it.
        return "/tmp" if self.as_root else None  # noqa: S108

    def _prepare(self) -> None:
        assert self.directory is not None
        if self.as_root:
            _ensure_postgres_user()
            shutil.chown(self.directory, user="postgres", group=None)
            os.chmod(self.directory, 0o700)
        self._initdb()

    def _shutdown(self, final: bool) -> None:
        """``final``: at once, no checkpoint (the data is thrown away);
        otherwise ``-m fast``: clients are disconnected, the data stays."""
        assert self.directory is not None
        data = self.directory / "data"
        if (data / "postmaster.pid").exists():
            mode = "immediate" if final else "fast"
            self._run(
                [str(self.bindir / "pg_ctl"), "-D", str(data), "-m", mode, "-w", "stop"],
                check=not final,
            )

    def _port_taken(self, error: Exception) -> bool:
        log = self._log_tail()
        return isinstance(error, PostgresStartError) and (
            "could not bind" in log or "Address already in use" in log
        )

    def _command(self, argv: list[str]) -> list[str]:
        if self.as_root:
            return ["runuser", "-u", "postgres", "--", *argv]
        return argv

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "LC_"))}
        env["LANG"] = "C.UTF-8"
        env["LC_ALL"] = "C.UTF-8"
        return env

    def _run(
        self, argv: list[str], check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        assert self.directory is not None
        proc = subprocess.run(
            self._command(argv),
            cwd=self.directory,  # a cwd postgres can enter (not /root)
            env=self._env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and proc.returncode != 0:
            raise PostgresStartError(
                f"{Path(argv[0]).name} failed (exit {proc.returncode}):\n"
                f"{proc.stdout}{proc.stderr}{self._log_tail()}"
            )
        return proc

    def _initdb(self) -> None:
        assert self.directory is not None
        self._run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.directory / "data"),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )

    def _launch(self, port: int) -> None:
        assert self.directory is not None
        (self.directory / "log").unlink(missing_ok=True)
        options = " ".join(
            shlex.quote(o)
            for o in [
                "-p", str(port),
                "-k", str(self.directory),
                "-c", "listen_addresses=127.0.0.1",
                "-c", f"max_connections={self.max_connections}",
                "-c", "fsync=off",
                "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off",
            ]
        )  # fmt: skip
        self._run(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.directory / "data"),
                "-l",
                str(self.directory / "log"),
                "-o",
                options,
                "-w",
                "-t",
                str(self.start_timeout),
                "start",
            ],
            timeout=self.start_timeout + 30,
        )


def _stop_directory(directory: str) -> None:
    server = PostgresServer.__new__(PostgresServer)
    server.bindir = find_bindir()
    server.as_root = _is_root()
    server.directory = Path(directory)
    server.port = None
    server._atexit_registered = False
    if not (server.directory / "data" / "PG_VERSION").exists():
        raise SystemExit(f"{directory}: not a pgserver directory")
    server.stop()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    usage = "usage: pgserver.py start | stop DIR | check"
    if not args:
        print(usage, file=sys.stderr)
        return 2
    try:
        if args[0] == "start" and len(args) == 1:
            server = PostgresServer().start(register_atexit=False)
            print(server.url)
            print(server.directory)
            print(f"stop with: python {sys.argv[0]} stop {server.directory}", file=sys.stderr)
            return 0
        if args[0] == "stop" and len(args) == 2:
            _stop_directory(args[1])
            return 0
        if args[0] == "check" and len(args) == 1:
            t0 = time.perf_counter()
            with PostgresServer() as server:
                t1 = time.perf_counter()
                url = server.create_database("pgserver_check")
                import psycopg

                with psycopg.connect(url.replace("+psycopg", "")) as conn:
                    row = conn.execute(
                        "SELECT version(), current_setting('max_connections')"
                    ).fetchone()
                t2 = time.perf_counter()
                directory = server.directory
            t3 = time.perf_counter()
            assert row is not None
            print(row[0])
            print(f"max_connections={row[1]} url={url}")
            print(f"start {t1 - t0:.2f}s, create db + query {t2 - t1:.2f}s, stop {t3 - t2:.2f}s")
            removed = directory is not None and not directory.exists()
            print(f"directory {directory} removed: {removed}")
            return 0
    except (PostgresNotFound, PostgresStartError) as exc:
        print(f"pgserver: {exc}", file=sys.stderr)
        return 1
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
