"""The production stack of docs/deployment.md, on this machine's loopback:
a real PostgreSQL (scripts/pgserver.py), a real Redis
(scripts/redisserver.py), app instances started exactly as the systemd unit
and the Containerfile start them (``gunicorn -c deploy/gunicorn.conf.py``,
after ``flask --app survey db upgrade``), and nginx with the proxy settings
of deploy/nginx/zvp-survey-proxy.conf.

Every server listens on 127.0.0.1 only, lives in a temporary directory and
is stopped by the fixtures that start it.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support import ROOT

BIN = Path(sys.executable).parent
SECRET = "deployment-test-secret-0123456789abcdefghijklmnop"
PUBLIC_BASE_URL = "https://bevraging.zone.test"
NGINX = Path("/usr/sbin/nginx")


def load_script(name: str) -> Any:
    """scripts/<name>.py as a module (pgserver, redisserver)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    return int(load_script("throwaway").free_port())


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Stack:
    """PostgreSQL, Redis and the environment every instance shares."""

    pg: Any
    redis: Any
    database_url: str
    work: Path
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
        env.update(
            {
                "SURVEY_ENV": "production",
                "SURVEY_SECRET_KEY": SECRET,
                "SURVEY_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
                "SURVEY_DATABASE_URL": self.database_url,
                "SURVEY_RATELIMIT_STORAGE_URI": self.redis.url,
                "SURVEY_PROXY_FIX": "1",
                "MPLBACKEND": "Agg",
                "MPLCONFIGDIR": str(self.work / "mpl"),
            }
        )
        env.update(self.extra_env)
        env.update(overrides)
        return env

    def flask(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """``flask --app survey ARGS`` as an operator runs it."""
        result = subprocess.run(
            [str(BIN / "flask"), "--app", "survey", *args],
            env=self.env(**env),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    def app(self) -> Any:
        """The app in this process on the same database and secret, for
        setting up data through the services (no rate limits, no logs)."""
        from survey import create_app

        return create_app(
            {
                "SURVEY_ENV": "testing",
                "SECRET_KEY": SECRET,
                "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
                "SQLALCHEMY_DATABASE_URI": self.database_url,
                "RATELIMIT_ENABLED": False,
            }
        )


def start_stack(work: Path, database: str) -> Stack:
    pg = load_script("pgserver").PostgresServer(max_connections=200).start()
    redis = load_script("redisserver").RedisServer().start()
    (work / "mpl").mkdir(parents=True, exist_ok=True)
    stack = Stack(pg=pg, redis=redis, database_url=pg.create_database(database), work=work)
    stack.flask("db", "upgrade")
    return stack


def stop_stack(stack: Stack) -> None:
    stack.redis.stop()
    stack.pg.stop()


class Instance:
    """One app instance: gunicorn with deploy/gunicorn.conf.py on a port."""

    def __init__(self, stack: Stack, name: str, workers: int = 2, **env: str) -> None:
        self.stack = stack
        self.name = name
        self.port = free_port()
        self.workers = workers
        self.env = env
        self.log = stack.work / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90) -> Instance:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "-c",
                    str(ROOT / "deploy" / "gunicorn.conf.py"),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                ],
                env=self.stack.env(SURVEY_WORKERS=str(self.workers), **self.env),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.log_text()
            try:
                status, _body = get(self.port, "/readyz")
            except OSError:
                status = 0
            if status == 200:
                return
            time.sleep(0.1)
        raise AssertionError(f"{self.name} not ready:\n{self.log_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once (a crash)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """End the instance at the end of a test (nothing in it is kept)."""
        if self.process is not None and self.process.poll() is None:
            self.kill()

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def log_records(self) -> list[dict[str, Any]]:
        """Every line of the log, parsed (each must be one JSON object)."""
        return [json.loads(line) for line in self.log_text().splitlines() if line.strip()]


class Nginx:
    """nginx in front of ``upstreams``, with the platform's proxy settings."""

    def __init__(self, work: Path, upstreams: list[int]) -> None:
        self.directory = work / "nginx"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        servers = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in upstreams
        )
        user = "user root;" if os.geteuid() == 0 else ""
        (self.directory / "nginx.conf").write_text(
            f"""{user}
worker_processes 1;
daemon off;
pid {self.directory}/nginx.pid;
error_log {self.directory}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {self.directory}/body;
    proxy_temp_path {self.directory}/proxy;
    fastcgi_temp_path {self.directory}/fastcgi;
    uwsgi_temp_path {self.directory}/uwsgi;
    scgi_temp_path {self.directory}/scgi;
    upstream zvp_survey {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{self.port};
        include {ROOT}/deploy/nginx/zvp-survey-proxy.conf;
    }}
}}
""",
            encoding="utf-8",
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Nginx:
        self.process = subprocess.Popen(
            [
                str(NGINX),
                "-p",
                str(self.directory),
                "-c",
                str(self.directory / "nginx.conf"),
                "-e",
                str(self.directory / "error.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                assert self.process.poll() is None, self.error_log()
                time.sleep(0.05)
        raise AssertionError(f"nginx did not start:\n{self.error_log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)

    def error_log(self) -> str:
        try:
            return (self.directory / "error.log").read_text(errors="replace")
        except OSError:
            return ""


def stopping(*servers: Any) -> Iterator[None]:
    """Stop ``servers`` (instances, nginx) in reverse order, whatever happens."""
    try:
        yield
    finally:
        for server in reversed(servers):
            server.stop()
