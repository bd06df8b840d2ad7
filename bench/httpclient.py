"""A tiny browser for the benchmark clients: stdlib ``http.client``, cookies
by hand, forms parsed with ``html.parser`` once (learning journey) and then
replayed with only the CSRF token read from each page, so the clients cost
little CPU next to the server they measure.
"""

from __future__ import annotations

import http.client
import re
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
NUMBER_ANSWERS = {"leeftijd": "42", "buurtscore": "7"}
TEXT_ANSWER = "Meer verlichting in het park, graag."


@dataclass
class FormField:
    name: str
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class ParsedForm:
    action: str
    fields: dict[str, FormField] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[ParsedForm] = []
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(ParsedForm(a.get("action", "")))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image"}:
                return
            if kind in {"radio", "checkbox"}:
                form.fields.setdefault(name, FormField(name, kind)).options.append(
                    a.get("value", "on")
                )
            else:
                form.fields[name] = FormField(name, kind, a.get("value", ""))
        elif tag == "select" and name:
            self._select = form.fields.setdefault(name, FormField(name, "select"))
        elif tag == "option" and self._select is not None and a.get("value") is not None:
            self._select.options.append(a["value"])
        elif tag == "textarea" and name:
            self._textarea = form.fields[name] = FormField(name, "textarea")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def fill_form(html: str) -> tuple[str, list[tuple[str, str]]]:
    """The last form of a page filled with valid answers (the first option
    of radios and checkboxes, a different option per rank, a number, a
    short text), without the CSRF token: (action, pairs)."""
    parser = _FormParser()
    parser.feed(html)
    if not parser.forms:
        raise RuntimeError("no form on the page")
    form = parser.forms[-1]
    pairs: list[tuple[str, str]] = []
    for name, f in form.fields.items():
        if name == "csrf_token":
            continue
        if f.kind in {"radio", "checkbox"}:
            pairs.append((name, f.options[0]))
        elif f.kind == "select":
            rank = int(name.rsplit(".", 1)[1])
            pairs.append((name, f.options[min(rank, len(f.options) - 1)]))
        elif f.kind == "textarea":
            pairs.append((name, TEXT_ANSWER))
        elif f.kind == "hidden":
            pairs.append((name, f.value))
        else:
            pairs.append((name, NUMBER_ANSWERS.get(name, "Antwoord")))
    return form.action, pairs


class Browser:
    """One resident: a cookie jar and a connection to the server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.requests = 0

    def close(self) -> None:
        self.conn.close()

    def request(
        self, method: str, path: str, pairs: list[tuple[str, str]] | None = None
    ) -> tuple[int, str, str]:
        """(status, location, body) of one request."""
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if pairs is not None:
            body = urllib.parse.urlencode(pairs)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(3):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine):
                self.conn.close()
                if attempt == 2:
                    raise
        self.requests += 1
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _eq, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        location = response.getheader("Location") or ""
        if location.startswith("http"):
            parts = urllib.parse.urlsplit(location)
            location = parts.path + (f"?{parts.query}" if parts.query else "")
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, location, data.decode("utf-8", "replace")


Script = dict[tuple[str, int], tuple[str, list[tuple[str, str]]]]


class TestClientBrowser:
    """``Browser``'s interface over a Flask test client (in process)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.requests = 0

    def request(
        self, method: str, path: str, pairs: list[tuple[str, str]] | None = None
    ) -> tuple[int, str, str]:
        from werkzeug.datastructures import MultiDict

        if method == "GET":
            response = self.client.get(path)
        else:
            response = self.client.post(path, data=MultiDict(pairs or []))
        self.requests += 1
        return response.status_code, response.location or "", response.get_data(as_text=True)

    def close(self) -> None:
        pass


def journey(
    browser: Browser,
    key: str,
    script: Script,
    *,
    learn: bool = False,
    stop_at_check: bool = False,
) -> str:
    """A resident's whole visit: start, begin, every page posted, the check
    page, the final submit and the thank-you page. With ``learn`` the forms
    are parsed and filled and stored in ``script``; otherwise the stored
    answers are posted with each page's fresh CSRF token. With
    ``stop_at_check`` it stops on the check page and returns its CSRF token."""
    status, _loc, html = browser.request("GET", f"/s/{key}")
    expect_status(status, 200, "start")
    seen: dict[str, int] = {}
    path = f"/s/{key}"
    for _step in range(40):
        token_match = CSRF_RE.search(html)
        if token_match is None:
            raise RuntimeError(f"no CSRF token on {path}")
        token = token_match.group(1)
        if path.endswith("/controle") and stop_at_check:
            return token
        occurrence = seen.get(path, 0)
        seen[path] = occurrence + 1
        step_key = (path, occurrence)
        if learn or step_key not in script:
            script[step_key] = fill_form(html)
        action, pairs = script[step_key]
        status, location, body = browser.request("POST", action, [("csrf_token", token), *pairs])
        if path.endswith("/controle"):
            expect_status(status, 302, "final submit")
            status, _loc, html = browser.request("GET", location)
            expect_status(status, 200, "thank-you page")
            return ""
        if status == 200:  # shown again: questions appeared on the same page
            html = body
            continue
        expect_status(status, 302, f"post {path}")
        path = location
        status, _loc, html = browser.request("GET", path)
        expect_status(status, 200, f"get {path}")
    raise RuntimeError("the journey never reached the final submit")


def expect_status(status: int, wanted: int, what: str) -> None:
    if status != wanted:
        raise RuntimeError(f"{what}: HTTP {status}, expected {wanted}")
