"""Partner e-mail, received by a real SMTP server on loopback (aiosmtpd):
invitations and reminders in each organisation's language, with a working
personal link, tracked per organisation; a refused address keeps its link;
nothing is sent without SMTP settings. And every action that changes a
partner's current link asks first and says what happens to it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from formtools import Page
from mail_server import REFUSED, Inbox, running
from partner_flow import add_partner, form_with, org_action, status_page, statuses
from planner_helpers import logged_in, msg


@pytest.fixture
def smtp(app, monkeypatch) -> Iterator[Inbox]:
    with running(app, monkeypatch) as inbox:
        yield inbox


def _organisations(client) -> None:
    add_partner(client, "Stad Voorbeeld", "Lokaal bestuur", "stad@vb.be")
    form = form_with(Page(client.get("/planner/partners/")), "sector")
    form.set("name", "Parquet de Bruxelles").set("sector", "Justitie")
    form.set("email", "parquet@vb.be").set("language", "fr")
    assert form.submit(client).status_code == 302
    form = form_with(Page(client.get("/planner/partners/")), "sector")
    form.set("name", "Gemeinde Eupen").set("sector", "Lokaal bestuur")
    form.set("email", "gemeinde@eupen.be").set("language", "de")
    assert form.submit(client).status_code == 302


def _link_in(message: EmailMessage) -> str:
    body = message.get_content()
    found = re.search(r"https?://\S+/p/(\S+)", body)
    assert found, body
    return f"/p/{found.group(1)}"


def _send(client, key: str, kind: str) -> Page:
    page = Page(client.get(f"/planner/partners/bevraging/{key}/e-mail/{kind}"))
    response = page.form().submit(client)
    assert response.status_code == 200, response.status_code
    return Page(response)


def test_invitations_reach_each_partner_in_its_language_with_a_working_link(
    app, client, partner_survey, smtp
):
    planner = logged_in(app, client, "planner")
    _organisations(planner)
    confirm = Page(planner.get(f"/planner/partners/bevraging/{partner_survey}/e-mail/uitnodigen"))
    assert "Stad Voorbeeld" in confirm.text and "Parquet de Bruxelles" in confirm.text
    assert smtp.messages == []  # the confirmation page sends nothing

    sent = _send(planner, partner_survey, "uitnodigen")
    assert msg(app, "E-mails sent: %(n)s.", n=3) in sent.text
    [dutch] = smtp.to("stad@vb.be")
    [french] = smtp.to("parquet@vb.be")
    [german] = smtp.to("gemeinde@eupen.be")
    assert dutch["Subject"].startswith("Uitnodiging: ")
    assert french["Subject"].startswith("Invitation : ")
    assert german["Subject"].startswith("Einladung: ")
    assert german["Content-Language"] == "de"
    assert "Ihr persönlicher Link zum Fragebogen:" in german.get_content()
    assert "Politiezone Voorbeeld" in str(dutch["From"])
    assert dutch.get_content_type() == "text/plain"  # no HTML, no pixel
    for message, language in ((dutch, "nl"), (french, "fr"), (german, "de")):
        # Each partner's own browser, set to Dutch: the page still opens in
        # the language of the organisation's e-mail, and the partner may
        # switch.
        partner = app.test_client()
        link = _link_in(message)
        page = partner.get(link, headers={"Accept-Language": "nl-BE,nl;q=0.9"})
        assert page.status_code == 200
        assert f'<html lang="{language}"' in page.get_data(as_text=True)
        switched = partner.get(f"{link}?lang=nl").get_data(as_text=True)
        assert '<html lang="nl"' in switched
        assert '<html lang="nl"' in partner.get(link).get_data(as_text=True)
    assert statuses(planner, partner_survey) == {
        "Stad Voorbeeld": "opened",
        "Parquet de Bruxelles": "opened",
        "Gemeinde Eupen": "opened",
    }
    html = status_page(planner, partner_survey).html
    row = html.split('data-organisation="Stad Voorbeeld"', 1)[1].split("</tr>", 1)[0]
    assert re.search(r"<td>\d{1,2}/\d\d/\d{4} \d\d:\d\d</td>", row), row

    # Everybody has a link now: nobody to invite, no button to send.
    again = Page(planner.get(f"/planner/partners/bevraging/{partner_survey}/e-mail/uitnodigen"))
    assert msg(app, "Every organisation already has a link.") in again.text
    assert msg(app, "Send the invitations") not in again.text
    assert len(smtp.messages) == 3


def test_a_reminder_carries_a_new_link_and_the_old_one_stops(app, client, partner_survey, smtp):
    planner = logged_in(app, client, "planner")
    _organisations(planner)
    _send(planner, partner_survey, "uitnodigen")
    invited = _link_in(smtp.to("stad@vb.be")[0])

    confirm = Page(planner.get(f"/planner/partners/bevraging/{partner_survey}/e-mail/herinneren"))
    assert msg(app, "Send a reminder by e-mail") in confirm.text
    sent = _send(planner, partner_survey, "herinneren")
    assert msg(app, "E-mails sent: %(n)s.", n=3) in sent.text
    reminder = smtp.to("stad@vb.be")[1]
    assert reminder["Subject"].startswith("Herinnering: ")
    assert smtp.to("gemeinde@eupen.be")[1]["Subject"].startswith("Erinnerung: ")
    partner = app.test_client()
    assert partner.get(invited).status_code == 410
    assert partner.get(_link_in(reminder)).status_code == 200
    html = status_page(planner, partner_survey).html
    row = html.split('data-organisation="Stad Voorbeeld"', 1)[1].split("</tr>", 1)[0]
    assert "<td>1 (" in row


def test_a_refused_address_is_reported_and_keeps_its_link(app, client, partner_survey, smtp):
    planner = logged_in(app, client, "planner")
    add_partner(planner, "Stad Voorbeeld", "Lokaal bestuur", "stad@vb.be")
    add_partner(planner, "School Zonder Adres", "Onderwijs", REFUSED)
    sent = _send(planner, partner_survey, "uitnodigen")
    assert msg(app, "E-mails sent: %(n)s.", n=1) in sent.text
    failed = sent.html.split('id="mail-failed"', 1)[1]
    assert "School Zonder Adres" in failed and "550" in failed
    # Its new link was not kept: it is still "not invited".
    assert statuses(planner, partner_survey)["School Zonder Adres"] == "not_invited"
    assert [str(m["To"]) for m in smtp.messages] == ["Stad Voorbeeld <stad@vb.be>"]


def test_without_smtp_settings_nothing_is_sent(app, client, partner_survey):
    planner = logged_in(app, client, "planner")
    add_partner(planner, "Stad Voorbeeld", "Lokaal bestuur", "stad@vb.be")
    page = status_page(planner, partner_survey)
    assert 'id="mail-off"' in page.html and 'id="mail-invite"' not in page.html
    url = f"/planner/partners/bevraging/{partner_survey}/e-mail/uitnodigen"
    token = Page(planner.get(url)).html
    assert "SURVEY_SMTP_HOST" in token
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', token)
    assert csrf
    assert planner.post(url, data={"csrf_token": csrf.group(1)}).status_code == 409
    assert statuses(planner, partner_survey)["Stad Voorbeeld"] == "not_invited"


@pytest.mark.parametrize(
    ("button", "explains"),
    [
        (
            "issue",
            "The current link of %(name)s stops working at once: whoever opens it sees "
            "that it is no longer valid.",
        ),
        (
            "revoke",
            "The current link of %(name)s stops working at once, and the organisation "
            "gets no new link.",
        ),
    ],
)
def test_link_actions_ask_first_and_say_what_happens_to_the_current_link(
    app, client, partner_survey, button: str, explains: str
):
    from partner_flow import issue_all

    planner = logged_in(app, client, "planner")
    add_partner(planner, "Stad Voorbeeld", "Lokaal bestuur", "stad@vb.be")
    link = issue_all(planner, partner_survey)["Stad Voorbeeld"]
    org_id = _org_id(app)
    asked = org_action(planner, partner_survey, org_id, button, confirm=False)
    assert asked.status_code == 200
    page = Page(asked)
    assert msg(app, explains, name="Stad Voorbeeld") in page.text
    assert 'class="button danger"' in page.html
    # Not confirmed: the link still works.
    assert app.test_client().get(link).status_code == 200
    done = page.form().submit(planner)
    assert done.status_code in (200, 302)
    assert app.test_client().get(link).status_code == 410


def test_reopen_asks_first(app, client, partner_survey):
    from partner_flow import answer_all, full_answers, issue_all, send

    planner = logged_in(app, client, "planner")
    add_partner(planner, "Stad Voorbeeld", "Lokaal bestuur", "stad@vb.be")
    link = issue_all(planner, partner_survey)["Stad Voorbeeld"]
    partner = app.test_client()
    answer_all(partner, link, full_answers())
    send(partner, link)
    asked = Page(org_action(planner, partner_survey, _org_id(app), "reopen", confirm=False))
    expected = msg(
        app,
        "The answers %(name)s sent are taken out of the results at once. They stay in the "
        "form, so the partner can change them and send them again.",
        name="Stad Voorbeeld",
    )
    assert expected in asked.text
    assert statuses(planner, partner_survey)["Stad Voorbeeld"] == "submitted"
    assert asked.form().submit(planner).status_code == 302
    assert statuses(planner, partner_survey)["Stad Voorbeeld"] != "submitted"


def _org_id(app: Any) -> int:
    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import PartnerOrganisation

    with app.app_context():
        return int(db.session.scalar(select(PartnerOrganisation.id)))
