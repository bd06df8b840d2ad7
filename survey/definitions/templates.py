"""The survey templates every install offers: the default resident and
partner surveys and a short open "pulse" survey.

A template is read from its default survey file (``default_surveys/``) each
time it is used, never copied: a change to those files is what the next
survey made from the template gets. The demo loads the same files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from survey.definitions.loader import load_definition

DEFAULT_SURVEYS = Path(__file__).resolve().parent / "default_surveys"


@dataclass(frozen=True)
class SurveyTemplate:
    """A default survey file offered as the start of a new survey: its
    ``name`` (what a form posts), the file, and what the planner reads."""

    name: str
    filename: str
    title: Any
    description: Any

    def definition(self) -> dict[str, Any]:
        """The template's survey file as it is now (a fresh dict per call)."""
        raw = load_definition((DEFAULT_SURVEYS / self.filename).read_bytes())
        if not isinstance(raw, dict):  # pragma: no cover - the files are tested
            raise TypeError(f"{self.filename} is no survey file")
        return raw


TEMPLATES: tuple[SurveyTemplate, ...] = (
    SurveyTemplate(
        "resident",
        "burgers.yaml",
        _l("Resident survey"),
        _l(
            "The full survey of residents for a zonal security plan: problems in the "
            "neighbourhood, feeling unsafe, victimisation, reporting, the police, the "
            "priorities and the background questions for weighting. Letter with a code."
        ),
    ),
    SurveyTemplate(
        "partner",
        "partners.yaml",
        _l("Partner survey"),
        _l(
            "Named feedback of the partners (mayors, parket, schools, social services, ...) "
            "per phenomenon: what the zone should do with it and why, and their top 3, "
            "through a personal link."
        ),
    ),
    SurveyTemplate(
        "pulse",
        "pulse.yaml",
        _l("Short pulse survey"),
        _l(
            "Four short questions on an open link: feeling unsafe, the first problem "
            "to tackle, the district and a comment. About two minutes."
        ),
    ),
)


def find_template(name: str) -> SurveyTemplate | None:
    """The template called ``name``, or None."""
    return next((t for t in TEMPLATES if t.name == name), None)
