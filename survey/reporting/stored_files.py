"""Files the report keeps in a folder that every server process reads (the
background PDFs, ``survey.reporting.pdf_jobs``; the report page's charts,
``survey.reporting.chart_store``): written whole or not at all, and
removed when unused for long enough."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from flask import current_app


def private_folder(setting: str, default: str) -> Path:
    """The folder the configuration names (``setting``, from
    ``SURVEY_<setting>``), else ``default`` in the instance folder; made
    when missing, readable by the app's user only (0700)."""
    configured = current_app.config.get(setting)
    path = Path(str(configured)) if configured else Path(current_app.instance_path) / default
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def write_atomically(target: Path, data: str | bytes) -> None:
    """Write ``data`` to ``target`` through a file of this process and
    thread, then rename it: a reader of another process never sees half a
    file."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
    if isinstance(data, bytes):
        tmp.write_bytes(data)
    else:
        tmp.write_text(data, encoding="utf-8")
    tmp.replace(target)


def remove_older(folder: Path, seconds: float) -> None:
    """Remove the files of ``folder`` not changed for ``seconds``."""
    limit = time.time() - seconds
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue
