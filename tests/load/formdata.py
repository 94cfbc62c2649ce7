"""What a browser would send for a form of a page: every field with its current value (stdlib only).

Used by the load scenario and scripts/bench_profile_save.py to save a page's form as a person
would (CSRF token included): text inputs and text areas as shown, checked boxes and radios,
selected options (or a single select's first one), the first submit button that is not a
``formnovalidate`` helper (such as "add a career row"). No JavaScript.
"""
from __future__ import annotations

from html.parser import HTMLParser


class _Parser(HTMLParser):
    def __init__(self, action: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = action
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._select_multiple = False
        self._select_first: str | None = None
        self._select_chosen = False
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text = ""
        self._textarea: str | None = None
        self._text = ""
        self._submitted = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._fields, self._submitted = [], False
            self._action = a.get("action", "")
            return
        if self._fields is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._fields.append((name, a.get("value", "on")))
            elif kind in ("submit", "button", "image", "reset"):
                if kind == "submit" and not self._submitted and "formnovalidate" not in a:
                    self._fields.append((name, a.get("value", "")))
                    self._submitted = True
            elif kind != "file":
                self._fields.append((name, a.get("value", "")))
        elif (tag == "button" and name and a.get("type", "submit") == "submit" and not self._submitted
              and "formnovalidate" not in a):  # "add a row"-style buttons are not the form's own submit
            self._fields.append((name, a.get("value", "")))
            self._submitted = True
        elif tag == "select" and name and "disabled" not in a:
            self._select, self._select_multiple = name, "multiple" in a
            self._select_first, self._select_chosen = None, False
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = ""
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data
        elif self._select is not None and self._option_value is None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._select is not None:
            self._end_option()
        elif tag == "select" and self._select is not None:
            if self._option_value is not None or self._option_text:
                self._end_option()
            if not self._select_chosen and not self._select_multiple and self._select_first is not None:
                self._fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._fields is not None:
            self._fields.append((self._textarea, self._text.removeprefix("\r").removeprefix("\n")))
            self._textarea = None
        elif tag == "form" and self._fields is not None:
            self.forms.append((self._action, self._fields))
            self._fields = None

    def _end_option(self) -> None:
        value = self._option_value if self._option_value is not None else self._option_text.strip()
        if self._select_first is None:
            self._select_first = value
        if self._option_selected and self._fields is not None and self._select is not None:
            self._fields.append((self._select, value))
            self._select_chosen = True
        self._option_value, self._option_selected, self._option_text = None, False, ""


def form_fields(html: str, action: str | None = None, having: str | None = None) -> list[tuple[str, str]]:
    """The fields of the page's first form that posts to ``action`` (no action attribute: to the page
    itself, which ``action`` names; any form when None) and has a field named ``having``.
    Raises ``LookupError`` when there is none."""
    parser = _Parser(action)
    parser.feed(html)
    parser.close()
    for form_action, fields in parser.forms:
        path = (form_action or "").split("?")[0]
        if action is not None and path and not path.endswith(action):
            continue
        if having is not None and having not in {name for name, _value in fields}:
            continue
        return fields
    raise LookupError(f"no form {action or ''} with {having or 'any field'} on the page")


def replace(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """``fields`` with the value of ``name`` set to ``value`` (added when absent)."""
    out = [(n, v) for n, v in fields if n != name]
    out.append((name, value))
    return out
