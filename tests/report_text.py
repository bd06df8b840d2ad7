"""Each report format as the text a reader gets out of it: the HTML, the PDF
text (pdftotext), the XLSX cells (openpyxl), the DOCX paragraphs and table
cells (python-docx), the charts ZIP's CSV data and SVG drawings. Two
documents with the same text publish the same figures."""

from __future__ import annotations

import io
import subprocess
import zipfile
from collections.abc import Callable

from docx import Document
from openpyxl import load_workbook


def _pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode("utf-8")


def _xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        f"{sheet.title}\t{row!r}" for sheet in book for row in sheet.iter_rows(values_only=True)
    )


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend("\t".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n".join(lines)


def _zip_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(
            f"{name}\n{archive.read(name).decode('utf-8')}"
            for name in sorted(archive.namelist())
            if name.endswith((".csv", ".svg"))
        )


READ: dict[str, Callable[[bytes], str]] = {
    "html": lambda data: data.decode("utf-8"),
    "pdf": _pdf_text,
    "xlsx": _xlsx_text,
    "docx": _docx_text,
    "zip": _zip_text,
}
"""What a reader gets out of each format: its text, its cells, its chart data."""
