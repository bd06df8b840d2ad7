"""A partner link reaches its own organisation's answers and nothing else;
revoked links stop at once; two tabs cannot silently overwrite each other."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from formtools import Page
from partner_flow import (
    add_partner,
    answer_all,
    answer_page,
    full_answers,
    issue_all,
    org_action,
    page_path,
    send,
    statuses,
)
from planner_helpers import logged_in
from sqlalchemy import select


def _setup(app: Flask, key: str) -> tuple[Any, dict[str, str]]:
    planner = logged_in(app, app.test_client(), role="planner")
    add_partner(planner, "Alfa", "Onderwijs", "alfa@voorbeeld.be")
    add_partner(planner, "Beta", "Welzijn", "beta@voorbeeld.be")
    return planner, issue_all(planner, key)


def _drafts(app: Flask) -> dict[str, dict[str, Any]]:
    """Organisation name -> draft data."""
    from survey.extensions import db
    from survey.models import Draft, PartnerLink, PartnerOrganisation

    with app.app_context():
        rows = db.session.execute(
            select(PartnerOrganisation.name, Draft.data)
            .join(PartnerLink, PartnerLink.organisation_id == PartnerOrganisation.id)
            .join(Draft, Draft.partner_link_id == PartnerLink.id)
        ).all()
    return {name: dict(data) for name, data in rows}


def _ids(app: Flask) -> dict[str, Any]:
    from survey.extensions import db
    from survey.models import Draft, PartnerLink, PartnerOrganisation

    with app.app_context():
        result: dict[str, Any] = {}
        for org in db.session.scalars(select(PartnerOrganisation)):
            link = db.session.scalar(
                select(PartnerLink).where(PartnerLink.organisation_id == org.id)
            )
            draft = db.session.scalar(select(Draft).where(Draft.partner_link_id == link.id))
            result[org.name] = {
                "org": org.id,
                "link": link.id,
                "draft": draft.id if draft else None,
            }
    return result


def test_a_token_never_reads_or_changes_another_partners_draft(
    app: Flask, partner_survey: str
) -> None:
    _, links = _setup(app, partner_survey)
    alfa, beta = links["Alfa"], links["Beta"]
    client_b = app.test_client()
    answer_page(
        client_b,
        beta,
        "toelichting",
        {"toelichting": "Geheim van Beta", "aandachtspunt_1": "Beta punt"},
        "save",
    )
    client_a = app.test_client()
    answer_page(client_a, alfa, "toelichting", {"toelichting": "Tekst van Alfa"}, "save")
    ids = _ids(app)

    # Alfa's pages show only Alfa's answers.
    for path in (alfa, page_path(alfa, "toelichting"), f"{alfa}/controle"):
        html = client_a.get(path).get_data(as_text=True)
        assert "Geheim van Beta" not in html
        assert "Beta" not in Page(client_a.get(path)).text
    assert "Tekst van Alfa" in client_a.get(page_path(alfa, "toelichting")).get_data(as_text=True)

    # Ids of Beta's link, draft or organisation in the URL lead nowhere.
    for forged in (
        f"/p/{ids['Beta']['link']}",
        f"/p/{ids['Beta']['draft']}/controle",
        f"{alfa}/deel/toelichting?draft={ids['Beta']['draft']}&link={ids['Beta']['link']}",
        f"{alfa}/{ids['Beta']['draft']}",
        f"{alfa}x/controle",
        f"{alfa[:-1]}/controle",
    ):
        response = client_a.get(forged)
        assert "Geheim van Beta" not in response.get_data(as_text=True)
        assert response.status_code in (200, 404), forged

    # Forged form fields naming Beta's draft, link or organisation change
    # only Alfa's own draft.
    page = Page(client_a.get(page_path(alfa, "toelichting")))
    form = page.form()
    form.set("toelichting", "Alfa gewijzigd")
    for name in ("draft_id", "partner_link_id", "link_id", "organisation_id", "token"):
        value = beta.rsplit("/", 1)[-1] if name == "token" else str(ids["Beta"]["draft"])
        form.force(name, value)
    assert form.submit(client_a, button="save").status_code == 302
    drafts = _drafts(app)
    assert drafts["Alfa"]["toelichting"] == "Alfa gewijzigd"
    assert drafts["Beta"]["toelichting"] == "Geheim van Beta"

    # Alfa's form posted to Beta's address needs Beta's token, which Alfa
    # does not have; with Alfa's token in a form field it reaches Alfa only.
    form = Page(client_a.get(page_path(alfa, "toelichting"))).form()
    form.force("token", alfa.rsplit("/", 1)[-1])
    form.set("toelichting", "Nog eens Alfa")
    form.action = page_path(beta, "toelichting")
    forged_post = form.submit(client_a, button="save")
    # Beta's draft has another revision: the post is refused whole.
    assert forged_post.status_code == 409
    assert _drafts(app)["Beta"]["toelichting"] == "Geheim van Beta"


def test_a_partner_cannot_submit_or_read_the_receipt_of_another(
    app: Flask, partner_survey: str
) -> None:
    _, links = _setup(app, partner_survey)
    alfa, beta = links["Alfa"], links["Beta"]
    client_b = app.test_client()
    answer_all(client_b, beta, full_answers())
    send(client_b, beta)
    client_a = app.test_client()
    # Alfa has no draft: its receipt address sends it back to its start page.
    for path in (f"{alfa}/ontvangstbewijs", f"{alfa}/ontvangstbewijs.pdf"):
        response = client_a.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(alfa)
    assert client_b.get(f"{beta}/ontvangstbewijs").status_code == 200


def test_unknown_tokens_get_a_dutch_page_not_an_error(app: Flask, partner_survey: str) -> None:
    client = app.test_client()
    for token in ("x", "a" * 43, "%00", "a" * 500, "%2e%2e", "%20"):
        response = client.get(f"/p/{token}")
        assert response.status_code == 404
        assert 'data-reason="unknown"' in response.get_data(as_text=True)


def test_revoked_link_is_refused_at_once_and_a_new_link_keeps_the_draft(
    app: Flask, partner_survey: str
) -> None:
    planner, links = _setup(app, partner_survey)
    alfa = links["Alfa"]
    partner = app.test_client()
    answer_page(partner, alfa, "aanpak", {"aanpak.drugs": 1}, "save")
    org_id = _ids(app)["Alfa"]["org"]

    assert org_action(planner, partner_survey, org_id, "revoke").status_code == 302
    for path in (alfa, page_path(alfa, "aanpak"), f"{alfa}/controle"):
        response = partner.get(path)
        assert response.status_code == 410
        assert 'data-reason="revoked"' in response.get_data(as_text=True)
    assert statuses(planner, partner_survey)["Alfa"] == "revoked"

    # A new link: the old one stays refused, the new one has the draft.
    issued = org_action(planner, partner_survey, org_id, "issue")
    from partner_flow import issued_links

    new = issued_links(issued)["Alfa"]
    assert new != alfa
    assert partner.get(alfa).status_code == 410
    form = Page(partner.get(page_path(new, "aanpak"))).form()
    assert form.fields["aanpak.drugs"].selected == ["1"]
    assert statuses(planner, partner_survey)["Alfa"] == "draft"

    # Reissuing an active link revokes it too.
    newest = issued_links(org_action(planner, partner_survey, org_id, "issue"))["Alfa"]
    assert partner.get(new).status_code == 410
    assert partner.get(newest).status_code == 200


def test_a_post_on_a_revoked_link_stores_nothing(app: Flask, partner_survey: str) -> None:
    planner, links = _setup(app, partner_survey)
    alfa = links["Alfa"]
    partner = app.test_client()
    form = Page(partner.get(page_path(alfa, "aanpak"))).form()
    form.set("aanpak.drugs", 3)
    org_action(planner, partner_survey, _ids(app)["Alfa"]["org"], "revoke")
    assert form.submit(partner, button="save").status_code == 410
    assert _drafts(app) == {}


def test_stale_revision_shows_a_conflict_and_keeps_nothing_of_the_stale_post(
    app: Flask, partner_survey: str
) -> None:
    _, links = _setup(app, partner_survey)
    alfa = links["Alfa"]
    answer_page(app.test_client(), alfa, "aanpak", {"aanpak.drugs": 9}, "save")

    tab1, tab2 = app.test_client(), app.test_client()
    form1 = Page(tab1.get(page_path(alfa, "aanpak"))).form()
    form2 = Page(tab2.get(page_path(alfa, "aanpak"))).form()
    before = form1.fields["revision"].value
    assert form2.fields["revision"].value == before

    form1.set("aanpak.drugs", 2).set("aanpak.verkeer", 2)
    assert form1.submit(tab1, button="save").status_code == 302
    form2.set("aanpak.drugs", 9).set("aanpak.milieu", 9)
    conflict = form2.submit(tab2, button="save")
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert "data-conflict" in html
    # The conflict page shows the newer answers and the current revision.
    shown = Page(conflict).form()
    assert shown.fields["aanpak.drugs"].selected == ["2"]
    assert shown.fields["aanpak.verkeer"].selected == ["2"]
    assert shown.fields["aanpak.milieu"].selected == []
    assert shown.fields["revision"].value == str(int(before) + 1)
    # Nothing of the stale post was kept.
    data = _drafts(app)["Alfa"]["aanpak"]
    assert data["drugs"] == 2
    assert data["verkeer"] == 2
    assert data.get("milieu") is None
    # Saving again from the conflict page works.
    shown.set("aanpak.milieu", 9)
    assert shown.submit(tab2, button="save").status_code == 302
    assert _drafts(app)["Alfa"]["aanpak"]["milieu"] == 9


def test_stale_check_page_does_not_send(app: Flask, partner_survey: str) -> None:
    _, links = _setup(app, partner_survey)
    alfa = links["Alfa"]
    tab1, tab2 = app.test_client(), app.test_client()
    answer_all(tab1, alfa, full_answers())
    check = Page(tab1.get(f"{alfa}/controle")).form()
    answer_page(tab2, alfa, "aanpak", {"aanpak.drugs": 2})
    response = check.submit(tab1)
    assert response.status_code == 409
    assert "data-conflict" in response.get_data(as_text=True)
    from survey.extensions import db
    from survey.models import Response

    with app.app_context():
        assert db.session.scalars(select(Response)).all() == []


@pytest.mark.parametrize("revision", ["", "abc", "-1", "99999999999", "1.5"])
def test_bad_revision_values_are_a_conflict_not_an_error(
    app: Flask, partner_survey: str, revision: str
) -> None:
    _, links = _setup(app, partner_survey)
    alfa = links["Alfa"]
    client = app.test_client()
    form = Page(client.get(page_path(alfa, "aanpak"))).form()
    form.fields["revision"].value = revision
    form.set("aanpak.drugs", 3)
    assert form.submit(client, button="save").status_code == 409
    assert _drafts(app) == {}


def test_closed_survey_refuses_answers_but_keeps_the_receipt(
    app: Flask, partner_survey: str
) -> None:
    _, links = _setup(app, partner_survey)
    alfa, beta = links["Alfa"], links["Beta"]
    client_b = app.test_client()
    answer_all(client_b, beta, full_answers())
    send(client_b, beta)
    from survey.definitions.lifecycle import close_survey
    from survey.extensions import db

    with app.app_context():
        close_survey(db.session, partner_survey)
        db.session.commit()
    client_a = app.test_client()
    response = client_a.get(alfa)
    assert response.status_code == 410
    assert 'data-reason="closed"' in response.get_data(as_text=True)
    assert client_a.get(page_path(alfa, "aanpak")).status_code == 410
    assert client_b.get(f"{beta}/ontvangstbewijs").status_code == 200


def test_two_tabs_saving_at_the_same_moment_one_wins_whole(app: Flask, partner_survey: str) -> None:
    import threading

    _, links = _setup(app, partner_survey)
    alfa = links["Alfa"]
    tabs = [app.test_client(), app.test_client()]
    forms = [Page(tab.get(page_path(alfa, "aanpak"))).form() for tab in tabs]
    forms[0].set("aanpak.drugs", 9).set("aanpak.milieu", 9)
    forms[1].set("aanpak.drugs", 1).set("aanpak.verkeer", 1)
    barrier = threading.Barrier(2)
    codes: list[int] = [0, 0]

    def post(index: int) -> None:
        barrier.wait()
        codes[index] = forms[index].submit(tabs[index], button="save").status_code

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(codes) == [302, 409]
    winner = codes.index(302)
    data = _drafts(app)["Alfa"]["aanpak"]
    if winner == 0:
        assert (data["drugs"], data.get("milieu"), data.get("verkeer")) == (9, 9, None)
    else:
        assert (data["drugs"], data.get("milieu"), data.get("verkeer")) == (1, None, 1)


def test_two_sends_at_the_same_moment_store_one_response(app: Flask, partner_survey: str) -> None:
    import threading

    from survey.extensions import db
    from survey.models import Response

    _, links = _setup(app, partner_survey)
    alfa = links["Alfa"]
    tabs = [app.test_client(), app.test_client()]
    answer_all(tabs[0], alfa, full_answers())
    forms = [Page(tab.get(f"{alfa}/controle")).form() for tab in tabs]
    barrier = threading.Barrier(2)
    codes: list[int] = [0, 0]

    def post(index: int) -> None:
        barrier.wait()
        codes[index] = forms[index].submit(tabs[index]).status_code

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert codes == [302, 302]
    with app.app_context():
        assert len(db.session.scalars(select(Response)).all()) == 1
