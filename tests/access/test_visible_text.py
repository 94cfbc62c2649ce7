"""No internal code in the text a person reads, on every page the access matrix serves, in both languages.

Every GET route of the URL map is opened as every role of the access world (``tests/access/world.py``),
in Japanese and in English; for each HTML page that is served (2xx), the visible text — text nodes,
without ``<script>``/``<style>`` and without attributes — is scanned for:

* the values of the models' enums and of the registries (statuses, schemes, posting types, employment
  forms and every other choice code, reason and funding codes, pipeline event kinds, outcomes…),
  gathered programmatically so that a new code is covered without editing this test;
* ``snake_case`` tokens and ``key=value`` / ``side:answer`` pairs.

Text inside ``<code>``/``<kbd>``/``<samp>`` is skipped: it is shown as code on purpose (the API
documentation, recovery codes). In English, a one-word code (``draft``, ``remote``) cannot be told
from the English word, so there the scan looks for codes with ``_``, ``:`` or ``=`` only; the
Japanese scan, where no such word belongs, looks for every code.
"""
from __future__ import annotations

import enum
import inspect
import re
from html.parser import HTMLParser

import pytest

from tests.access.pages import served_pages
from tests.access.world import build_world

#: Tokens that look like codes but are words a person may read, each with its reason.
ALLOWED_TOKENS: dict[str, str] = {
    "example.jp": "the domain of the test world's e-mail addresses (data, not a code)",
}
#: Tokens allowed on one page only, each with its reason.
ALLOWED_ON_PAGE: dict[str, dict[str, str]] = {
    "/developers/api": {"per_page": "the JSON API's query parameter, named for developers in a sentence"},
}
SKIPPED_ELEMENTS = frozenset({"script", "style", "code", "kbd", "samp", "template", "noscript"})
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                           "source", "track", "wbr"})


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_ELEMENTS:
            self._skip.append(tag)

    def handle_endtag(self, tag):
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def internal_codes() -> set[str]:
    """Every code the application stores or passes around, from the enums and registries."""
    from marketplace.schemes import filter_options
    from marketplace import models
    from marketplace.suggestions import reasons
    from marketplace.funding import labels as funding_labels
    from marketplace.matching import records
    from marketplace.matches import labels as pipeline_labels
    from marketplace.matches import machine
    from marketplace.schemes import fields as scheme_fields
    from marketplace.schemes.registry import SCHEMES

    codes: set[str] = set()
    for module in (models, scheme_fields, machine, records):
        for _name, value in inspect.getmembers(module):
            if inspect.isclass(value) and issubclass(value, enum.Enum) and value is not enum.Enum:
                codes.update(str(member.value) for member in value)
    for scheme in SCHEMES.values():
        codes.add(str(scheme.code))
        codes.update(scheme.stages)
        codes.update(scheme.outcomes)
        codes.update(scheme.funding)
        specs = list(scheme.candidate_fields)
        for posting_type in scheme.posting_types:
            codes.add(posting_type.code)
            specs.extend(posting_type.fields)
        for spec in specs:
            codes.update(str(code) for code, _label in spec.choices)
    codes.update(code for code, _label in filter_options.CANDIDATE_EMPLOYMENT_FORMS)
    codes.update(reasons.REASON_LABELS)
    for table in (pipeline_labels.STATUS_LABELS, pipeline_labels.OUTCOME_LABELS, pipeline_labels.EVENT_LABELS,
                  pipeline_labels.REJECT_REASON_LABELS, pipeline_labels.ADOPTION_ROUTE_LABELS,
                  pipeline_labels.APPOINTMENT_LABELS, pipeline_labels.POSTING_STATUS_LABELS):
        codes.update(table)
    for _name, value in inspect.getmembers(funding_labels):
        if isinstance(value, dict) and _name.endswith("_LABELS"):
            codes.update(str(key) for key in value)
    # Codes that are also ordinary tokens of the interface are left to the patterns below.
    return {code for code in codes if code and re.fullmatch(r"[a-z][a-z0-9_]*", code)}


TOKEN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:=\-]*[A-Za-z0-9_]|[A-Za-z0-9_]")
SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")
PAIR = re.compile(r"^[a-z][a-z0-9_]*(?:[=:][A-Za-z0-9_\-]+)+$")


def offending_tokens(text: str, codes: set[str], language: str, data: set[str]) -> set[str]:
    """Tokens of ``text`` that are internal codes (``data``: the world's own strings, e.g. user names)."""
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    found = set()
    for token in TOKEN.findall(text):
        token = token.strip(".:-=")
        if not token or token in ALLOWED_TOKENS:
            continue
        if SNAKE.match(token) or PAIR.match(token):
            found.add(token)
        elif language == "ja" and token in codes:
            found.add(token)
    return found


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


def test_the_code_list_is_gathered_from_the_application():
    codes = internal_codes()
    # A sample of each source, so that a broken gathering cannot pass by finding nothing.
    for code in ("in_review", "side_job", "accelerator", "part_time", "accepted", "follow_up", "needs_review",
                 "verified_orgs", "not_agreed", "competitive_tender"):
        assert code in codes, code
    assert len(codes) > 100


def test_the_scan_finds_what_it_looks_for():
    codes = internal_codes()
    html = ("<p>状態: in_review</p><p>seeker:accepted</p><p>q=生産 scheme=side_job</p>"
            "<p>match:1:accepted</p><p title='draft'>下書き</p><script>var in_review = 1;</script><code>min_score</code><p>draft</p>")
    text = visible_text(html)
    assert "var" not in text and "min_score" not in text and "title" not in text
    assert offending_tokens(text, codes, "ja", set()) == {"in_review", "seeker:accepted", "scheme=side_job", "match:1:accepted", "draft"}
    assert offending_tokens(text, codes, "en", set()) == {"in_review", "seeker:accepted", "scheme=side_job", "match:1:accepted"}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_no_internal_code_in_any_visible_text(app, world, language):
    codes = internal_codes()
    data = {value for value in world.emails.values()} | set(world.users) | {"firm_member"}
    problems: list[str] = []
    pages = 0
    for role, path, html in served_pages(app, world, language):
        pages += 1
        found = offending_tokens(visible_text(html), codes, language, data)
        found -= set(ALLOWED_ON_PAGE.get(path, {}))
        if found:
            problems.append(f"{path} as {role}: {sorted(found)}")
    assert pages > 100, f"only {pages} pages were served: is the world broken?"
    assert not problems, f"internal codes in the visible text ({language}):\n" + "\n".join(problems)
