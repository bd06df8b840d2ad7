"""``/``: the front door, for whoever types the bare address.

Residents find the open resident surveys, each linking to its start page
(which asks for the letter's code where the survey needs one); planners find
their workspace. Partner surveys are not listed: partners answer through
their personal link only."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from sqlalchemy import select

from survey.database import read_only_gets
from survey.definitions.definition import definition_of
from survey.extensions import db
from survey.i18n import text_for
from survey.models import Survey
from survey.models.survey import SurveyState

bp = Blueprint("home", __name__)
bp.before_request(read_only_gets)


@bp.get("/")
def index() -> ResponseReturnValue:
    lang = str(get_locale())
    surveys = db.session.scalars(
        select(Survey)
        .where(Survey.state == SurveyState.OPEN, Survey.audience == "citizen")
        .order_by(Survey.opened_at.desc(), Survey.id)
    ).all()
    listed = [(s.key, text_for(definition_of(s).raw.get("title") or {}, lang)) for s in surveys]
    return render_template("home.html", surveys=listed)
