"""A throwaway Redis server on a free loopback port, for tests and local checks.

The rate limits of a deployment with more than one app process live in Redis
(``SURVEY_RATELIMIT_STORAGE_URI=redis://...``); the tests that prove the
limits hold across processes start a real one with this helper::

    import sys, pathlib
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "scripts"))
    from redisserver import RedisServer

    with RedisServer() as redis:      # ~0.1 s
        redis.url                     # redis://127.0.0.1:PORT/0
    # stopped and its temporary directory removed

or from the shell (the server keeps running until ``stop``)::

    python scripts/redisserver.py start     # prints the URL and the directory to pass to stop
    python scripts/redisserver.py stop DIR
    python scripts/redisserver.py check     # start, PING, stop, with timings

Every server lives in its own ``mkdtemp`` directory (pid file, log), listens on
127.0.0.1 only, and keeps nothing on disk (no RDB snapshots, no append-only
file): rate-limit counters are worth losing. Redis runs as the calling user,
root included (unlike PostgreSQL it does not refuse root). The server binary is
Debian's ``redis-server`` (``make setup`` installs it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

# The sibling helper module, however this file is loaded (a path, -m, import).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from throwaway import ThrowawayServer

__all__ = ["RedisNotFound", "RedisServer", "RedisStartError"]

INSTALL_HINT = "install Debian's redis-server package: make setup"


class RedisNotFound(RuntimeError):
    """No redis-server binary on this machine."""


class RedisStartError(RuntimeError):
    """redis-server did not start; the message carries its log."""


def find_server() -> str:
    """The redis-server binary: $REDIS_SERVER, else the one on PATH, else Debian's."""
    for candidate in (os.environ.get("REDIS_SERVER"), shutil.which("redis-server")):
        if candidate and Path(candidate).is_file():
            return candidate
    if Path("/usr/bin/redis-server").is_file():
        return "/usr/bin/redis-server"
    raise RedisNotFound(f"No redis-server found: {INSTALL_HINT}")


def _ping(port: int, timeout: float = 0.5) -> bool:
    """Whether a Redis server answers PING on 127.0.0.1:``port`` (RESP by hand,
    so this helper needs no Python client)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs: a daemon killed but not yet reaped by its
    new parent (a zombie) counts as gone."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


class RedisServer(ThrowawayServer):
    """A Redis server in a temporary directory; a context manager.

    Attributes once started: ``port``, ``url`` (``redis://127.0.0.1:PORT/0``),
    ``directory`` (pid file and log)."""

    LOG_TITLE = "redis log"
    PREFIX = "redisserver-"

    def __init__(self, start_timeout: float = 20) -> None:
        super().__init__()
        self.binary = find_server()
        self.start_timeout = start_timeout

    @property
    def url(self) -> str:
        """The URL of database 0."""
        return self.url_for(0)

    def url_for(self, database: int) -> str:
        """The ``redis://`` URL of ``database`` on localhost; the server must
        be started."""
        if self.port is None:
            raise RuntimeError("RedisServer is not started")
        return f"redis://127.0.0.1:{self.port}/{database}"

    # -- internals -----------------------------------------------------------
    def _shutdown(self, final: bool) -> None:
        """SIGKILL either way: the counters are worth nothing."""
        self._kill()

    def _port_taken(self, error: Exception) -> bool:
        return isinstance(error, RedisStartError) and "Address already in use" in str(error)

    def _launch(self, port: int) -> None:
        assert self.directory is not None
        log = self.directory / "log"
        log.unlink(missing_ok=True)
        subprocess.run(
            [
                self.binary,
                "--port", str(port),
                "--bind", "127.0.0.1",
                "--protected-mode", "yes",
                "--dir", str(self.directory),
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "yes",
                "--pidfile", str(self.directory / "redis.pid"),
                "--logfile", str(log),
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )  # fmt: skip
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if _ping(port):
                return
            if "Address already in use" in self._log_tail() or "FATAL" in self._log_tail():
                break
            time.sleep(0.02)
        self._kill()
        raise RedisStartError(f"redis-server did not answer on port {port}:{self._log_tail()}")

    def _pid(self) -> int | None:
        if self.directory is None:
            return None
        try:
            return int((self.directory / "redis.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def _kill(self) -> None:
        pid = self._pid()
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.01)
        assert self.directory is not None
        (self.directory / "redis.pid").unlink(missing_ok=True)


def _stop_directory(directory: str) -> None:
    server = RedisServer.__new__(RedisServer)
    server.directory = Path(directory)
    server.port = None
    server._atexit_registered = False
    if not (server.directory / "redis.pid").exists():
        raise SystemExit(f"{directory}: not a running redisserver directory")
    server.stop()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    usage = "usage: redisserver.py start | stop DIR | check"
    try:
        if args == ["start"]:
            server = RedisServer().start(register_atexit=False)
            print(server.url)
            print(server.directory)
            print(f"stop with: python {sys.argv[0]} stop {server.directory}", file=sys.stderr)
            return 0
        if len(args) == 2 and args[0] == "stop":
            _stop_directory(args[1])
            return 0
        if args == ["check"]:
            t0 = time.perf_counter()
            with RedisServer() as server:
                t1 = time.perf_counter()
                assert server.port is not None
                answered = _ping(server.port)
                url, directory = server.url, server.directory
            t2 = time.perf_counter()
            print(f"url={url} ping={'PONG' if answered else 'no answer'}")
            print(f"start {t1 - t0:.2f}s, stop {t2 - t1:.2f}s")
            removed = directory is not None and not directory.exists()
            print(f"directory {directory} removed: {removed}")
            return 0 if answered else 1
    except (RedisNotFound, RedisStartError) as exc:
        print(f"redisserver: {exc}", file=sys.stderr)
        return 1
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
