"""Shared plumbing of the benchmarks: the machine, versions, timers, peak
memory of a child process, databases (SQLite files and a throwaway
PostgreSQL server) and apps bound to them.

Absolute times drift on a shared machine, so every scenario runs its
baseline in the same invocation and reports the ratio beside the time.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORK = Path(os.environ.get("BENCH_WORKDIR", "/tmp/zvp-bench"))
PYTHON = sys.executable
SECRET = "bench-secret-key-not-for-production-0123456789abcdef"
# Production refuses to start without the public address links are made from.
PUBLIC_BASE_URL = "https://bevraging.bench.invalid"
RESIDENT_FILE = ROOT / "survey" / "definitions" / "default_surveys" / "burgers.yaml"
SURVEY_KEY = "burgers-2026"

PACKAGES = (
    "Flask",
    "Werkzeug",
    "SQLAlchemy",
    "Flask-SQLAlchemy",
    "Flask-WTF",
    "gunicorn",
    "psycopg",
    "matplotlib",
    "weasyprint",
    "XlsxWriter",
    "pyreadstat",
    "pandas",
    "numpy",
)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    versions: dict[str, str] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "-"
    import sqlite3

    versions["sqlite"] = sqlite3.sqlite_version
    versions["postgresql"] = postgres_version()
    try:
        load = list(os.getloadavg())
    except OSError:
        load = []
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": mem_kb // 1024,
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "load_average_at_start": [round(x, 2) for x in load],
    }


def postgres_version() -> str:
    try:
        sys.path.insert(0, str(ROOT / "scripts"))
        from pgserver import find_bindir

        out = subprocess.run(
            [str(find_bindir() / "postgres"), "--version"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        import re

        match = re.search(r"\(PostgreSQL\) (\S+)", out)
        return match.group(1) if match else "-"
    except Exception:
        return "-"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tree_cpu_seconds(roots: list[int]) -> float:
    """CPU seconds (user + system) used so far by the processes ``roots``,
    their live descendants and the children they have reaped."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    spent: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # After the command in parentheses: state, ppid, ..., utime (12th),
            # stime, cutime, cstime.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        spent[pid] = sum(int(value) for value in fields[11:15]) / ticks
    tree = {pid for pid in roots if pid in spent}
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(spent[pid] for pid in tree)


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def timer() -> Iterator[dict[str, float]]:
    """Wall and CPU seconds of a block: ``with timer() as t: ...; t["wall"]``."""
    out: dict[str, float] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield out
    finally:
        out["wall"] = time.perf_counter() - wall
        out["cpu"] = time.process_time() - cpu


def run_worker(task: str, timeout: float = 1800, **args: Any) -> dict[str, Any]:
    """Run ``bench.worker`` TASK in a fresh interpreter and return its JSON
    result (time, peak RSS of that process). A fresh process per
    measurement keeps peak memory honest: nothing left from earlier work."""
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}
    env.setdefault("MPLCONFIGDIR", str(WORK / "mpl"))
    proc = subprocess.run(
        [PYTHON, "-m", "bench.worker", task, json.dumps(args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"worker {task} failed:\n{proc.stderr[-4000:]}")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    return dict(json.loads(lines[-1]))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def count_responses(url: str) -> int:
    """Responses stored in the database at ``url``."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM responses")).scalar_one()
    engine.dispose()
    return int(n)


def make_app(url: str) -> Any:
    """The real app on ``url`` (production settings apart from the secret)."""
    from survey import create_app

    return create_app(
        {
            "SURVEY_ENV": "production",
            "SECRET_KEY": SECRET,
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "SQLALCHEMY_DATABASE_URI": url,
            "SESSION_COOKIE_SECURE": False,
        }
    )


class Postgres:
    """A throwaway PostgreSQL server (scripts/pgserver.py), started lazily
    once per benchmark run."""

    _server: Any = None

    @classmethod
    def available(cls) -> bool:
        try:
            sys.path.insert(0, str(ROOT / "scripts"))
            from pgserver import find_bindir

            find_bindir()
            return True
        except Exception:
            return False

    @classmethod
    def database(cls, name: str) -> str:
        if cls._server is None:
            sys.path.insert(0, str(ROOT / "scripts"))
            from pgserver import PostgresServer

            cls._server = PostgresServer(max_connections=200).start()
        cls._server.drop_database(name)  # IF EXISTS
        return str(cls._server.create_database(name))

    @classmethod
    def pids(cls) -> list[int]:
        """The running server's postmaster (whose children are the backends)."""
        if cls._server is None or cls._server.directory is None:
            return []
        pid_file = Path(cls._server.directory) / "data" / "postmaster.pid"
        try:
            return [int(pid_file.read_text().split()[0])]
        except (OSError, ValueError, IndexError):
            return []

    @classmethod
    def stop(cls) -> None:
        if cls._server is not None:
            cls._server.stop()
            cls._server = None


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
