"""Submit rendered forms the way a browser without JavaScript would.

``Page(response)`` parses the HTML; ``page.form()`` returns a ``Form`` with
the fields the page really renders (hidden CSRF token included, checked
radios and selected options as defaults). ``form.set(name, value)`` refuses
names or values the form does not offer, so a test cannot post what a
person could not choose; use ``form.force`` for deliberate forgeries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any


@dataclass
class Field:
    name: str
    kind: str  # text, hidden, radio, checkbox, select, textarea, number, ...
    value: str = ""
    options: list[str] = field(default_factory=list)  # radio/checkbox/select values
    selected: list[str] = field(default_factory=list)
    multiple: bool = False  # a <select multiple>: any number selected, none sent by default


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    forced: list[tuple[str, str]] = field(default_factory=list)

    def set(self, name: str, value: str | int | list[str | int]) -> Form:
        if name not in self.fields:
            raise KeyError(f"the form has no field {name!r}; it has {sorted(self.fields)}")
        f = self.fields[name]
        values = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        if f.kind in {"radio", "checkbox", "select"}:
            for v in values:
                if v not in f.options:
                    raise ValueError(f"{name!r} offers {f.options}, not {v!r}")
            f.selected = values
        else:
            f.value = values[0]
        return self

    def force(self, name: str, value: str) -> Form:
        """Send a pair the form does not offer (forgery tests)."""
        self.forced.append((name, value))
        return self

    def data(self, button: str | None = None) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for f in self.fields.values():
            if f.kind in {"radio", "checkbox", "select"}:
                pairs.extend((f.name, v) for v in f.selected)
            else:
                pairs.append((f.name, f.value))
        if button is not None:
            match = [b for b in self.buttons if b[0] == button or b[1] == button]
            if not match:
                raise KeyError(f"no button {button!r}; buttons: {self.buttons}")
            if match[0][0]:
                pairs.append(match[0])
        pairs.extend(self.forced)
        return pairs

    def submit(self, client: Any, button: str | None = None, **kwargs: Any) -> Any:
        from werkzeug.datastructures import MultiDict

        return client.open(
            self.action, method=self.method.upper(), data=MultiDict(self.data(button)), **kwargs
        )


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: Field | None = None
        self._option_value: str | None = None
        self._textarea: Field | None = None
        self.text_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(action=a.get("action", ""), method=a.get("method", "get")))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input":
            kind = a.get("type", "text").lower()
            name = a.get("name")
            if kind in {"submit", "button", "image"}:
                self.forms[-1].buttons.append((name or "", a.get("value", "")))
                return
            if not name or "disabled" in a:
                return
            if kind in {"radio", "checkbox"}:
                f = form.fields.setdefault(name, Field(name, kind))
                f.options.append(a.get("value", "on"))
                if "checked" in a:
                    f.selected.append(a.get("value", "on"))
            else:
                form.fields[name] = Field(name, kind, a.get("value", ""))
        elif tag == "button":
            if a.get("type", "submit") == "submit":
                form.buttons.append((a.get("name", ""), a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = form.fields.setdefault(
                a["name"], Field(a["name"], "select", multiple="multiple" in a)
            )
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._option_value = value
            if value is not None:
                self._select.options.append(value)
                if "selected" in a:
                    if self._select.multiple:
                        self._select.selected.append(value)
                    else:
                        self._select.selected = [value]
        elif tag == "textarea" and a.get("name"):
            self._textarea = form.fields[a["name"]] = Field(a["name"], "textarea")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            if (
                self._select is not None
                and not self._select.multiple
                and not self._select.selected
                and self._select.options
            ):
                self._select.selected = [self._select.options[0]]
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        self.text_parts.append(data)


class Page:
    """A rendered HTML page: its forms and visible text."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.html = response.get_data(as_text=True)
        parser = _Parser()
        parser.feed(self.html)
        self.forms = parser.forms
        self.text = " ".join(" ".join(parser.text_parts).split())

    def form(self, index: int = -1) -> Form:
        """The page's form (the last one by default: the header may hold a
        language switch)."""
        if not self.forms:
            raise AssertionError("the page has no form:\n" + self.text[:2000])
        chosen = self.forms[index]
        return Form(
            chosen.action or self.response.request.path,
            chosen.method,
            {
                k: Field(v.name, v.kind, v.value, list(v.options), list(v.selected))
                for k, v in chosen.fields.items()
            },
            list(chosen.buttons),
        )
