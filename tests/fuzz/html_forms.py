"""Read the forms of a rendered page (stdlib ``html.parser``): their action, method and fields."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

#: Input types whose value is chosen among a few (the browser offers nothing else).
CHOICE_TYPES = frozenset({"checkbox", "radio", "select", "submit", "button"})
#: Input types that carry free text a person types.
TEXT_TYPES = frozenset({"text", "textarea", "search", "email", "tel", "url", "password"})


@dataclass
class FieldSpec:
    """One named control; ``kind`` is the input type, ``select`` or ``textarea``."""

    name: str
    kind: str
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    required: bool = False
    maxlength: int | None = None
    value: str = ""

    def merge(self, other: FieldSpec) -> None:
        """Radio buttons and checkboxes of one name are several inputs: keep every option."""
        for option in other.options:
            if option not in self.options:
                self.options.append(option)
        if self.kind == "checkbox" or other.kind == "checkbox":
            self.multiple = True


@dataclass
class FormSpec:
    """A ``<form>``: where it goes and what it sends."""

    method: str
    action: str  # path (and query) resolved against the page that showed it
    enctype: str
    fields: dict[str, FieldSpec] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return urlsplit(self.action).path

    @property
    def has_file(self) -> bool:
        return any(f.kind == "file" for f in self.fields.values())

    def add(self, spec: FieldSpec) -> None:
        if spec.name in self.fields:
            self.fields[spec.name].merge(spec)
        else:
            self.fields[spec.name] = spec


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[FormSpec] = []
        self._form: FormSpec | None = None
        self._select: FieldSpec | None = None
        self._textarea: FieldSpec | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            parts = urlsplit(action)
            self._form = FormSpec(method=(a.get("method") or "get").lower(),
                                  action=parts.path + (f"?{parts.query}" if parts.query else ""),
                                  enctype=a.get("enctype") or "application/x-www-form-urlencoded")
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select.options.append(a.get("value", ""))
            return
        maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            options = [a.get("value", "on" if kind in ("checkbox", "radio") else "")] if kind in CHOICE_TYPES else []
            self._form.add(FieldSpec(a["name"], kind, options, required="required" in a, maxlength=maxlength,
                                     value=a.get("value", "")))
        elif tag == "button":
            self._form.add(FieldSpec(a["name"], "submit", [a.get("value", "")]))
        elif tag == "select":
            self._select = FieldSpec(a["name"], "select", multiple="multiple" in a, required="required" in a)
            self._form.add(self._select)
        elif tag == "textarea":
            self._textarea = FieldSpec(a["name"], "textarea", required="required" in a, maxlength=maxlength)
            self._form.add(self._textarea)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


_FORM = re.compile(r"<form\b.*?</form\s*>", re.S | re.I)


def parse_forms(html: str, page_url: str) -> list[FormSpec]:
    """Every form of ``html``, with actions resolved against ``page_url`` (a path)."""
    parser = _FormParser(urljoin("http://localhost", page_url))
    parser.feed("\n".join(_FORM.findall(html)))  # only the forms: parsing whole pages is slow
    parser.close()
    return parser.forms
