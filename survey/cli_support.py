"""What the ``flask`` command modules share: a one-line failure, reading an
input file and writing an output file whole or not at all.

Every command fails the same way (docs/command-line.md): non-zero exit, one
line of reason, nothing stored and no half-written file.
"""

from __future__ import annotations

from pathlib import Path

import click

from survey.extensions import db


def fail(message: str) -> click.ClickException:
    """A one-line failure; the caller raises it. Rolls the session back
    first, so nothing of the failed command is stored."""
    db.session.rollback()
    return click.ClickException(message)


def read_file(path: str) -> bytes:
    """The bytes of ``path``, or a one-line failure naming it."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror}") from exc


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` via a temporary file in the same folder, so a failure
    never leaves half a file at ``path``; a failure is one line naming
    ``path`` as given."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise fail(f"cannot write {path}: {exc.strerror}") from exc
