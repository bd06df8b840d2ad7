"""The open campaign of a survey: its absolute open link to copy, its QR
code and a printable poster (``survey.planner.campaign``)."""

from __future__ import annotations

from flask import abort, current_app, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from survey.definitions.definition import definition_of
from survey.planner import campaign
from survey.workspace.shell import Access, survey_or_404, workspace_blueprint

bp = workspace_blueprint("campaign", __name__, "/bevragingen")


def _page(key: str, error: str | None = None) -> ResponseReturnValue:
    item = survey_or_404(key)
    link = campaign.open_link(item) if campaign.has_open_link(item) else None
    return render_template(
        "workspace/campaign.html",
        survey=item,
        link=link,
        qr=campaign.qr_data_uri(link) if link else None,
        languages=definition_of(item).languages,
        sizes=list(campaign.POSTER_SIZES),
        error=error,
    ), 422 if error else 200


@bp.get("/<key>/campagne", access=Access.VIEW)
def page(key: str) -> ResponseReturnValue:
    """The open campaign of an open-link survey: public link, QR code, posters (every role)."""
    return _page(key)


def _open_survey(key: str) -> tuple[str, str]:
    item = survey_or_404(key)
    if not campaign.has_open_link(item):
        abort(404)
    return item.key, campaign.open_link(item)


def _file(data: bytes, mimetype: str, filename: str) -> ResponseReturnValue:
    response = make_response(data)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/<key>/campagne/qr.svg", access=Access.VIEW)
def qr_svg(key: str) -> ResponseReturnValue:
    """The open link as a QR code in SVG (404 for a survey without an open link)."""
    survey_key, link = _open_survey(key)
    return _file(campaign.qr_svg(link), "image/svg+xml", f"qr-{survey_key}.svg")


@bp.get("/<key>/campagne/qr.png", access=Access.VIEW)
def qr_png(key: str) -> ResponseReturnValue:
    """The open link as a QR code in PNG (404 for a survey without an open link)."""
    survey_key, link = _open_survey(key)
    return _file(campaign.qr_png(link), "image/png", f"qr-{survey_key}.png")


@bp.get("/<key>/affiche.pdf", access=Access.VIEW)
def poster(key: str) -> ResponseReturnValue:
    """The A4 or A3 poster PDF, a page per survey language; another size is refused."""
    _open_survey(key)
    size = request.args.get("formaat", "A4")
    if size not in campaign.POSTER_SIZES:
        return _page(key, _("Choose the size of the poster: A4 or A3."))
    data = campaign.poster_pdf(survey_or_404(key), size, current_app.config["PRIVACY_CONTROLLER"])
    return _file(data, "application/pdf", f"affiche-{key}-{size}.pdf")
