"""Residents see the options of a shuffled question in an order of their
own (``shuffle`` in the survey file; a ranking by default), through the
rendered forms without JavaScript: the order holds across reloads, "weet
niet" and "geen van deze" stay last, and the stored codes are the codes of
the options the resident chose, whatever their place."""

from __future__ import annotations

import re
from html import unescape as html_unescape
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from formtools import Page
from resident_flow import answer_all, fill, start, submit
from sqlalchemy import select
from support import RESIDENT_FILE, import_file

from survey.extensions import db
from survey.models import Answer, Variable

OPTION_RE = re.compile(r'<option value="(\d+)"[^>]*>([^<]*)</option>')
CHECKBOX_RE = re.compile(r'<input[^>]*name="meer_inzet"[^>]*value="(\d+)"')


def _shuffled_copy(app: Flask, tmp_path: Path) -> str:
    """An open copy of the default resident survey whose "where more
    visible" question is shuffled too (it ends with an exclusive option)."""
    raw = yaml.safe_load(RESIDENT_FILE.read_text(encoding="utf-8"))
    raw["key"] = "burgers-volgorde"
    raw["access"] = "open"
    for page in raw["pages"]:
        for question in page["questions"]:
            if question["key"] == "meer_inzet":
                question["shuffle"] = True
    path = tmp_path / "volgorde.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return import_file(app, path)


def _file_labels() -> dict[int, str]:
    raw = yaml.safe_load(RESIDENT_FILE.read_text(encoding="utf-8"))
    for page in raw["pages"]:
        for question in page["questions"]:
            if question["key"] == "top3":
                return {o["code"]: o["label"]["nl"] for o in question["options"]}
    raise AssertionError("the default survey has no top3")


def _priorities_page(client: Any, key: str) -> Any:
    response = start(client, key)
    seen: list[str] = []
    for _ in range(12):
        seen.append(response.request.path)
        if response.request.path.endswith("/stap/prioriteiten"):
            return response
        posted = fill(Page(response).form()).submit(client)
        assert posted.status_code in (200, 302), Page(posted).text[:1500]
        response = client.get(posted.location) if posted.status_code == 302 else posted
    raise AssertionError(f"never reached the priorities page: {seen}")


def _first_choice(html: str) -> list[tuple[int, str]]:
    """The options of the first-choice list, as (code, label) in page order."""
    select_html = html.split('name="top3.1"', 1)[1].split("</select>", 1)[0]
    return [(int(code), html_unescape(label)) for code, label in OPTION_RE.findall(select_html)]


def test_two_residents_rank_from_their_own_order_and_the_codes_stay(
    app: Flask, tmp_path: Path
) -> None:
    key = _shuffled_copy(app, tmp_path)
    labels = _file_labels()
    orders: list[list[int]] = []
    visible: list[list[int]] = []
    for _resident in range(2):
        client = app.test_client()
        page = _priorities_page(client, key)
        html = page.get_data(as_text=True)
        options = _first_choice(html)
        # Every option of the file, each with its own label: only the order moves.
        assert dict(options) == labels
        assert sorted(code for code, _label in options) == sorted(labels)
        orders.append([code for code, _label in options])
        # A reload shows the same order.
        again = client.get(page.request.path)
        assert [c for c, _l in _first_choice(again.get_data(as_text=True))] == orders[-1]
        # "Nergens: het is goed zo" (exclusive) stays last among shuffled places.
        boxes = [int(c) for c in CHECKBOX_RE.findall(html)]
        assert sorted(boxes) == list(range(1, 10)) and boxes[-1] == 9
        visible.append(boxes)
        # The resident puts whatever is listed last first, and "Inbraken in
        # woningen" second, wherever it stands: the stored codes are those.
        last_listed = orders[-1][-1] if orders[-1][-1] != 12 else orders[-1][-2]
        form = Page(page).form()
        fill(form, {"top3.1": last_listed, "top3.2": 12, "top3.3": "", "meer_inzet": [9]})
        posted = form.submit(client)
        assert posted.status_code == 302, Page(posted).text[:1500]
        check = answer_all(client, client.get(posted.location))
        assert labels[12] in Page(check).text
        submit(client, check)
        with app.app_context():
            stored = db.session.execute(
                select(Variable.name, Answer.code)
                .join(Variable, Variable.id == Answer.variable_id)
                .where(Variable.name.in_(["top3.1", "top3.2"]), Answer.code.is_not(None))
                .order_by(Answer.id)
            ).all()
        assert (("top3.1", last_listed) in [tuple(r) for r in stored]) and (
            ("top3.2", 12) in [tuple(r) for r in stored]
        )
    # Twelve options (eight for the checkboxes): the same order for two
    # residents is a 1 in 479 million (40,320) chance.
    assert orders[0] != orders[1]
    assert visible[0] != visible[1]


def test_the_order_follows_the_seed_and_an_ordered_scale_never_moves() -> None:
    from survey.definitions.definition import build_definition

    raw = yaml.safe_load(RESIDENT_FILE.read_text(encoding="utf-8"))
    definition = build_definition(raw)
    top3 = definition.question("top3")
    assert top3.qtype.shuffled(top3)
    assert top3.qtype.in_order(top3, None) is top3
    first, second = top3.qtype.in_order(top3, 1), top3.qtype.in_order(top3, 2)
    assert [o.code for o in first.options] != [o.code for o in second.options]
    assert [o.code for o in top3.qtype.in_order(top3, 1).options] == [o.code for o in first.options]
    # An ordered scale never moves: the unsafety question keeps its points.
    onveilig = definition.question("onveilig")
    assert not onveilig.qtype.shuffled(onveilig)
    assert onveilig.qtype.in_order(onveilig, 1) is onveilig
