"""What the throwaway servers of scripts/ share (pgserver.py, redisserver.py):
a free port on 127.0.0.1, a temporary directory that holds the server's files
and log and goes away with it, and the life cycle: start (retried on another
port when one is taken meanwhile), pause and resume on the same port (an
outage), stop, and use as a context manager."""

from __future__ import annotations

import atexit
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Self


def free_port() -> int:
    """A port no one listens on now (the kernel's pick for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThrowawayServer:
    """A server in ``directory`` (its ``log`` file inside), on ``port``.

    Subclasses say how to launch the server on a port (``_launch``, which
    raises when it does not come up), how to shut it down (``_shutdown``),
    and whether a failed launch lost its port to another process
    (``_port_taken``)."""

    LOG_TITLE = "server log"
    PREFIX = "server-"

    def __init__(self) -> None:
        self.directory: Path | None = None
        self.port: int | None = None
        self._atexit_registered = False

    # -- life cycle ------------------------------------------------------------
    def start(self, register_atexit: bool = True) -> Self:
        """Start the server in a new temporary directory on a free port
        (no-op when started); with ``register_atexit``, it is stopped when
        the process exits. A failed start leaves no directory behind."""
        if self.directory is not None:
            return self
        self.directory = Path(tempfile.mkdtemp(prefix=self.PREFIX, dir=self._base_directory()))
        try:
            self._prepare()
            self._start_on_free_port()
        except BaseException:
            self._remove_directory()
            raise
        if register_atexit:
            atexit.register(self.stop)
            self._atexit_registered = True
        return self

    def stop(self) -> None:
        """Stop the server at once and remove its directory. Idempotent."""
        if self.directory is None:
            return
        self._shutdown(final=True)
        self._remove_directory()
        if self._atexit_registered:
            atexit.unregister(self.stop)
            self._atexit_registered = False

    def pause(self) -> None:
        """Shut the server down but keep its directory and port (an outage);
        ``resume`` starts it again there."""
        self._require_running()
        self._shutdown(final=False)

    def resume(self) -> None:
        """Start a paused server again, in its directory and on its port."""
        self._require_running()
        assert self.port is not None
        self._launch(self.port)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"port {self.port}, {self.directory}" if self.directory else "stopped"
        return f"<{type(self).__name__} {state}>"

    # -- what a server says ----------------------------------------------------
    def _base_directory(self) -> str | None:
        return None  # the default temporary directory

    def _prepare(self) -> None:
        """Fill the new directory before the first launch."""

    def _launch(self, port: int) -> None:
        raise NotImplementedError

    def _shutdown(self, final: bool) -> None:
        raise NotImplementedError

    def _port_taken(self, error: Exception) -> bool:
        raise NotImplementedError

    # -- shared internals --------------------------------------------------------
    def _require_running(self) -> None:
        if self.directory is None or self.port is None:
            raise RuntimeError(f"{type(self).__name__} is not started")

    def _start_on_free_port(self, attempts: int = 5) -> None:
        last: Exception | None = None
        for _ in range(attempts):
            port = free_port()
            try:
                self._launch(port)
            except Exception as exc:
                if not self._port_taken(exc):
                    raise
                last = exc  # another process took the port between probe and bind
                continue
            self.port = port
            return
        assert last is not None
        raise last

    def _log_tail(self, lines: int = 30) -> str:
        if self.directory is None:
            return ""
        try:
            text = (self.directory / "log").read_text(errors="replace")
        except OSError:
            return ""
        return f"\n--- {self.LOG_TITLE} ---\n" + "\n".join(text.splitlines()[-lines:])

    def _remove_directory(self) -> None:
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None
        self.port = None
