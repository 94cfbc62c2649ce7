"""The verdict on one hostile request: its answer and what it did to the stored rows."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from tests.fuzz import snapshots
from tests.fuzz.html_forms import FormSpec
from tests.fuzz.responses import response_problems, shows_form_errors

#: Fields whose value is used, not kept (passwords, codes, confirmations, where to go next).
TRANSIENT_FIELDS = frozenset({"password", "password_confirm", "current_password", "code", "confirm", "next",
                              "csrf_token", "q", "token", "email"})
_TEXT_KINDS = frozenset({"text", "textarea", "search", "tel", "url"})
_SEPARATORS = re.compile(r"[、,，;；\s\u3000]+")


@dataclass
class Request:
    """What was sent: to which route, as whom, with which hostile values."""

    endpoint: str
    path: str
    actor_id: int | None
    roots: list[tuple[str, Any]]
    form: FormSpec | None
    hostile: dict[str, list[str]]


def offered_roots(form: FormSpec | None, fields: list[tuple[str, str]]) -> list[tuple[str, Any]]:
    """Rows a form names in its own controls and the request chose: a bulk form's ``match_id``
    checkboxes are the matches it is about, as an id in the URL would be. Only ids the page offered
    to this actor count, so an id the actor was never shown (an IDOR attempt) stays a stray change."""
    if form is None:
        return []
    roots = []
    for name, value in fields:
        table = snapshots.PARAM_TABLES.get(name)
        spec = form.fields.get(name)
        if table and spec is not None and value.isdigit() and value in spec.options:
            roots.append((table, int(value)))
    return roots


def refused(response) -> bool:
    return 400 <= response.status_code < 500 or shows_form_errors(response)


def _variants(value: str) -> set[str]:
    base = {value, value.replace("\r\n", "\n"), value.replace("\r", "")}
    out = set()
    for v in base:
        for w in (v, unicodedata.normalize("NFKC", v), unicodedata.normalize("NFC", v)):
            out |= {w, w.strip(), w.strip(" \t\n\r\u3000"), w.lower(), w.strip().lower()}
    return {v for v in out}


def _stored(value: str, stored: list[str]) -> bool:
    variants = _variants(value)
    if any(v in text for v in variants for text in stored):
        return True
    tokens = [t for t in _SEPARATORS.split(unicodedata.normalize("NFKC", value)) if t]
    return bool(tokens) and all(any(t in text or t.lower() in text for text in stored) for t in tokens)


def round_trip_problems(request: Request, change: snapshots.Diff) -> list[str]:
    """Accepted text must be stored as sent (after trimming/NFKC); a value outside a field's choices
    must never be stored."""
    if request.form is None:
        return []
    stored = snapshots.strings_in(change.written_rows())
    if not stored:
        return []
    problems = []
    texts = {v for name, values in request.hostile.items() for v in values
             if name not in request.form.fields or not request.form.fields[name].options}
    for name, values in request.hostile.items():
        spec = request.form.fields.get(name)
        if spec is None or name in TRANSIENT_FIELDS:
            continue
        for value in (values if spec.multiple or spec.options else values[:1]):  # one-value fields read the first
            if spec.options:
                if spec.kind != "submit" and value not in spec.options and value not in texts and value.strip() \
                        and value in stored:
                    problems.append(f"{name}: stored {value[:40]!r}, which is not one of its choices")
            elif spec.kind in _TEXT_KINDS and value.strip() and not _stored(value, stored):
                problems.append(f"{name}: accepted {value[:60]!r} but did not store it intact")
    return problems


def verdict(request: Request, response, before: snapshots.Snapshot, after: snapshots.Snapshot) -> list[str]:
    """Every problem with this request's outcome (empty when all is well)."""
    problems = response_problems(response, api=request.path.startswith("/api/"))
    change = snapshots.diff(before, after)
    problems += snapshots.unsafe_stored_text(change.written_rows())
    if refused(response):
        outside_logs = change.changes_outside_logs()
        if not outside_logs.empty:
            problems.append(f"refused ({response.status_code}) but changed rows: {outside_logs.describe()}")
    elif response.status_code < 400:
        roots = list(request.roots)
        if request.actor_id is not None:
            roots.append(("users", request.actor_id))
        problems += snapshots.stray_changes(change, before, roots)
        problems += round_trip_problems(request, change)
    return problems
