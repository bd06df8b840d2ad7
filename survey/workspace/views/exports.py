"""Response exports: the raw responses of a survey in the layout of the
response file (contract section 2), as CSV, XLSX or SPSS SAV."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import IO

from flask import Response, abort, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue

from survey.definitions.definition import definition_of
from survey.extensions import db
from survey.planner import surveys
from survey.planner.exports import csv_chunks, export_language, write_export
from survey.workspace.shell import Access, survey_or_404, workspace_blueprint

bp = workspace_blueprint("exports", __name__, "/bevragingen")

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
}


@bp.get("/<key>/exporteren", access=Access.MANAGE)
def responses(key: str) -> ResponseReturnValue:
    item = survey_or_404(key)
    return render_template(
        "workspace/export.html",
        survey=item,
        row=surveys.survey_row(db.session, item),
        languages=definition_of(item).languages,
        language=export_language(item, request.args.get("language")),
    )


@bp.get("/<key>/antwoorden.<fmt>", access=Access.MANAGE)
def responses_file(key: str, fmt: str) -> ResponseReturnValue:
    """The file, streamed: CSV row by row; XLSX and SAV from a temporary
    file that is gone from the disk before the first byte is sent. The
    files carry the weight column and the labels in ``?language=``."""
    item = survey_or_404(key)
    if fmt not in EXPORT_TYPES:
        abort(404)
    headers = {"Content-Disposition": f'attachment; filename="antwoorden-{item.key}.{fmt}"'}
    if fmt == "csv":
        return Response(
            stream_with_context(csv_chunks(db.session, item)),
            mimetype=EXPORT_TYPES[fmt],
            headers=headers,
        )
    handle, path = tempfile.mkstemp(suffix=f".{fmt}")
    os.close(handle)
    try:
        write_export(db.session, item, fmt, path, request.args.get("language"))
        stream: IO[bytes] = open(path, "rb")  # noqa: SIM115 (closed by the generator)
    finally:
        os.unlink(path)  # the open handle keeps the data readable on POSIX
    return Response(_chunks(stream), mimetype=EXPORT_TYPES[fmt], headers=headers)


def _chunks(stream: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while chunk := stream.read(size):
            yield chunk
    finally:
        stream.close()
