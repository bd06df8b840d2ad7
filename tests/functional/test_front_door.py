"""The front door (``/``): what someone sees who types the bare address."""

from __future__ import annotations

import re
from typing import Any

from support import RESIDENT_FILE, import_file


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_resident_finds_the_open_survey_from_the_front_door(
    client: Any, resident_survey: str, partner_survey: str
) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Bevragingen waaraan u kunt deelnemen" in html
    assert f"/s/{resident_survey}" in _links(html)
    assert "Bevraging veiligheid en leefbaarheid" in html
    # Partners answer through their personal link: their survey is not listed.
    assert not any(partner_survey in link for link in _links(html))
    start = client.get(f"/s/{resident_survey}")
    assert start.status_code == 200
    assert "/planner/" in _links(html)


def test_front_door_says_when_no_survey_is_open(app: Any, client: Any) -> None:
    # Imported but still a draft: not open, so not listed.
    import_file(app, RESIDENT_FILE, open_it=False)
    html = client.get("/").get_data(as_text=True)
    assert "Er is momenteel geen bevraging open." in html
    assert not any(link.startswith("/s/") for link in _links(html))
