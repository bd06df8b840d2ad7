"""Which interface strings (gettext msgids) each area of the platform shows:
the resident pages and the partner pages. The readability test measures the
residents' texts; the catalog test holds the German catalog complete over
both areas and the letters (docs/configuration.md, "Languages").

An area is a set of templates and Python modules; the planners' editor
forms in a question type's module (classes named ``...Form``) and a new
question's starting texts (``starter``) are planner-facing and left out."""

from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.extract import extract_from_file

ROOT = Path(__file__).resolve().parent.parent

RESIDENT_TEMPLATES = [
    "survey/templates/residents/*.html",
    "survey/templates/answering/*.html",
    "survey/templates/questions/*.html",
    "survey/templates/errors/*.html",
    "survey/templates/base.html",
    "survey/templates/home.html",
]
RESIDENT_CODE = [
    "survey/questions/*.py",
    "survey/answering/*.py",
    "survey/residents/*.py",
    "survey/responses/checking.py",
]
# The partners' own pages, beside the answering, question and error pages
# they share with residents.
PARTNER_TEMPLATES = ["survey/templates/partners/*.html"]
PARTNER_CODE = [
    "survey/partners/routes.py",
    "survey/partners/receipt.py",
    "survey/partners/drafts.py",
]
# What every sampled resident reads first: the addressed letter (and its
# reminder) and the open campaign's poster.
LETTER_TEMPLATES = ["survey/templates/workspace/letters_pdf.html"]
LETTER_CODE = ["survey/planner/campaign.py"]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


def _editor_lines(path: Path) -> set[int]:
    """Lines of the planners' editor forms (classes named ``...Form``) and
    of a new question's starting texts (``starter``, in the planner's
    language, replaced when the planner writes the question) in a question
    type's module: not resident-facing."""
    if path.suffix != ".py":
        return set()
    lines: set[int] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.ClassDef) and node.name.endswith("Form")) or (
            isinstance(node, ast.FunctionDef) and node.name == "starter"
        ):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def msgids(templates: list[str], code: list[str]) -> set[str]:
    """The msgids of ``templates`` and ``code`` (glob patterns from the root)."""
    found: set[str] = set()
    for patterns, method, options in (
        (templates, "jinja2", {"trimmed": "true", "silent": "false"}),
        (code, "python", {}),
    ):
        for pattern in patterns:
            for path in sorted(ROOT.glob(pattern)):
                if path.name == "editor.py":  # the planners' question editor
                    continue
                editor = _editor_lines(path)
                for line, message, _comments, _context in extract_from_file(
                    method, str(path), keywords=KEYWORDS, options=options
                ):
                    if line not in editor:
                        found.add(message if isinstance(message, str) else message[0])
    return found


def resident_msgids() -> set[str]:
    """What residents can see: their pages, the shared answering, question
    and error pages, and the messages of the question types."""
    return msgids(RESIDENT_TEMPLATES, RESIDENT_CODE)


def letter_msgids() -> set[str]:
    """What the letters and the poster say."""
    return msgids(LETTER_TEMPLATES, LETTER_CODE)


def partner_msgids() -> set[str]:
    """What partners can see: the shared pages and their own."""
    return resident_msgids() | msgids(PARTNER_TEMPLATES, PARTNER_CODE)
