"""Helpers of the security tests: a short open survey file (two pages,
every kind of answer row) and a small cookie-keeping HTTP client that
submits the rendered forms to a real server."""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from formtools import _Parser

SHORT_SURVEY = """
format: 1
key: {key}
consultation: zvp-test
audience: citizen
access: {access}
languages: [nl]
title: {{nl: "Korte bevraging"}}
intro: {{nl: "Een korte test."}}
closing: {{nl: "Bedankt."}}
phenomena:
  - {{key: drugs, label: {{nl: "Drugs"}}}}
  - {{key: verkeer, label: {{nl: "Verkeer"}}}}
scales:
  vaak:
    - {{code: 1, label: {{nl: "Nooit"}}}}
    - {{code: 2, label: {{nl: "Soms"}}}}
    - {{code: 3, label: {{nl: "Vaak"}}}}
    - {{code: 9, label: {{nl: "Weet niet"}}, missing: true}}
pages:
  - key: een
    title: {{nl: "Eerste pagina"}}
    questions:
      - key: veilig
        type: single
        required: true
        text: {{nl: "Voelt u zich veilig?"}}
        options: [{{code: 1, label: {{nl: "Ja"}}}}, {{code: 2, label: {{nl: "Nee"}}}}]
      - key: problemen
        type: matrix
        scale: vaak
        text: {{nl: "Hoe vaak?"}}
        rows:
          - {{key: drugs, label: {{nl: "Drugs"}}, phenomenon: drugs}}
          - {{key: snelheid, label: {{nl: "Snelheid"}}, phenomenon: verkeer}}
      - key: leeftijd
        type: number
        min: 16
        max: 110
        text: {{nl: "Hoe oud bent u?"}}
  - key: twee
    title: {{nl: "Tweede pagina"}}
    questions:
      - key: zorgen
        type: multiple
        text: {{nl: "Waar maakt u zich zorgen over?"}}
        options:
          - {{code: 1, label: {{nl: "Drugs"}}, phenomenon: drugs}}
          - {{code: 2, label: {{nl: "Verkeer"}}, phenomenon: verkeer}}
          - {{code: 3, label: {{nl: "Inbraak"}}}}
      - key: opmerkingen
        type: text
        max_length: 200
        text: {{nl: "Nog iets?"}}
"""


def short_survey_file(tmp_path: Path, key: str = "kort-open", access: str = "open") -> Path:
    path = tmp_path / f"{key}.yaml"
    path.write_text(SHORT_SURVEY.format(key=key, access=access), encoding="utf-8")
    return path


@dataclass
class Reply:
    status: int
    location: str
    body: str
    path: str

    def form(self, index: int = -1) -> Any:
        parser = _Parser()
        parser.feed(self.body)
        if not parser.forms:
            raise AssertionError(f"no form on {self.path} ({self.status}): {self.body[:500]}")
        return parser.forms[index]

    @property
    def text(self) -> str:
        parser = _Parser()
        parser.feed(self.body)
        return " ".join(" ".join(parser.text_parts).split())


@dataclass
class Browser:
    """One visitor: a cookie jar, a log of every status seen, and forms
    submitted as a browser without JavaScript would."""

    host: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    statuses: list[int] = field(default_factory=list)

    def request(self, method: str, path: str, body: bytes | None = None) -> Reply:
        connection = http.client.HTTPConnection(self.host, timeout=60)
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            data = raw.read().decode("utf-8", "replace")
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    pair = value.split(";", 1)[0]
                    key, _, val = pair.partition("=")
                    self.cookies[key.strip()] = val.strip()
            reply = Reply(raw.status, raw.getheader("Location") or "", data, path)
        finally:
            connection.close()
        self.statuses.append(reply.status)
        return reply

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, pairs: list[tuple[str, str]]) -> Reply:
        return self.request("POST", path, urlencode(pairs).encode())

    def follow(self, reply: Reply, limit: int = 5) -> Reply:
        while reply.status in (301, 302, 303) and limit:
            reply = self.get(urlsplit(reply.location).path or "/")
            limit -= 1
        return reply

    def submit(self, reply: Reply, answers: dict[str, str | list[str]] | None = None) -> Reply:
        """Post the page's last form with its defaults and ``answers``."""
        form = reply.form()
        pairs: list[tuple[str, str]] = []
        answers = answers or {}
        for name, fld in form.fields.items():
            if name in answers:
                value = answers[name]
                pairs.extend((name, v) for v in ([value] if isinstance(value, str) else value))
            elif fld.kind in {"radio", "checkbox", "select"}:
                pairs.extend((name, v) for v in fld.selected)
            else:
                pairs.append((name, fld.value))
        return self.post(form.action or reply.path, pairs)


ANSWERS: dict[str, str | list[str]] = {
    "veilig": "1",
    "problemen.drugs": "3",
    "problemen.snelheid": "2",
    "leeftijd": "42",
    "zorgen": ["1", "3"],
}


def journey(browser: Browser, key: str, number: int, code: str | None = None) -> Reply:
    """Start, fill both pages of the short survey (the text answer carries
    ``number`` so every stored response can be told apart), stop at the
    check page and return it."""
    if code is None:
        start = browser.get(f"/s/{key}")
        reply = browser.follow(browser.submit(start))
    else:
        page = browser.get(f"/s/{key}/code")
        reply = browser.follow(browser.submit(page, {"code": code}))
    reply = browser.follow(browser.submit(reply, ANSWERS))
    reply = browser.follow(browser.submit(reply, {**ANSWERS, "opmerkingen": f"nummer {number}"}))
    assert reply.path.endswith("/controle"), (reply.path, reply.status, reply.text[:300])
    return reply


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
