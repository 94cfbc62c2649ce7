"""What every answer to hostile input must look like: no server error, no traceback, no redirect
off the site, and a refusal the person can read — in their language on pages, as JSON on the API."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

#: Hiragana, katakana (full and half width), CJK ideographs and Japanese punctuation.
JAPANESE = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f\u3000-\u303f]")
TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "/', "werkzeug.debug", "sqlalchemy.exc.")


class _MessageParser(HTMLParser):
    """Collects the page language, the texts of error/alert elements and of the first heading in <main>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.in_main = False
        self.main_has_post_form = False
        self.messages: list[str] = []
        self.heading = ""
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, is_message, is_heading)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag == "main":
            self.in_main = True
        if tag in ("input", "br", "img", "meta", "link", "hr"):
            return
        if self.in_main and tag == "form" and a.get("method", "get").lower() == "post":
            self.main_has_post_form = True
        classes = a.get("class", "").split()
        is_message = self.in_main and (a.get("role") == "alert" or any(
            c in ("errors", "error-summary", "flash-error", "error") for c in classes))
        self._stack.append((tag, is_message, self.in_main and tag == "h1" and not self.heading))
        if is_message:
            self.messages.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main = False
        while self._stack:
            open_tag, _m, _h = self._stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if any(m for _t, m, _h in self._stack) and self.messages:
            self.messages[-1] += data
        if any(h for _t, _m, h in self._stack):
            self.heading += data


_HTML_TAG = re.compile(r"<html\b[^>]*>", re.I)
_MAIN = re.compile(r"<main\b.*?</main\s*>", re.S | re.I)


def _parsed(response) -> _MessageParser:
    """The page's language and messages; only <html> and <main> are parsed (whole pages are slow)."""
    cached = getattr(response, "_fuzz_parsed", None)
    if cached is None:
        body = response.get_data(as_text=True)
        cached = _MessageParser()
        cached.feed("".join(_HTML_TAG.findall(body)[:1] + _MAIN.findall(body)[:1]))
        response._fuzz_parsed = cached
    return cached


def refusal_problem(response, *, api: bool) -> str | None:
    """Why this 4xx answer is not a clear refusal, or ``None`` when it is."""
    body = response.get_data(as_text=True)
    if api:
        try:
            payload = json.loads(body)
        except ValueError:
            return f"API error {response.status_code} is not JSON: {body[:200]!r}"
        message = (payload.get("error") or {}).get("message") if isinstance(payload.get("error"), dict) else None
        return None if message else f"API error without a message: {body[:200]!r}"
    if response.status_code == 405 or not body:
        return None if response.status_code in (405, 429) else f"empty {response.status_code} body"
    if "json" in (response.content_type or ""):  # a page's helper endpoint (e.g. the municipality picker)
        try:
            error = json.loads(body).get("error")
        except (ValueError, AttributeError):
            return f"{response.status_code} JSON error is not a JSON object: {body[:200]!r}"
        message = error.get("message") if isinstance(error, dict) else error
        if not isinstance(message, str) or not JAPANESE.search(message):
            return f"{response.status_code} JSON error without a message in Japanese: {body[:200]!r}"
        return None
    if "html" not in (response.content_type or ""):
        return f"{response.status_code} answered with {response.content_type}"
    parser = _parsed(response)
    texts = [t.strip() for t in parser.messages if t.strip()]
    if not texts and not parser.main_has_post_form:
        texts = [parser.heading.strip()] if parser.heading.strip() else []  # an error page: its heading says it
    if not texts:
        return f"{response.status_code} page shows no error message"
    if parser.lang == "ja" and not any(JAPANESE.search(t) for t in texts):
        return f"{response.status_code} error message is not in Japanese: {texts[:3]}"
    return None


def response_problems(response, *, api: bool) -> list[str]:
    """Every rule the answer to a hostile request breaks."""
    problems = []
    if response.status_code >= 500:
        problems.append(f"server error {response.status_code}")
    body = response.get_data(as_text=True)
    for marker in TRACEBACK_MARKERS:
        if marker in body:
            problems.append(f"internal detail in the page: {marker!r}")
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        if (parts.netloc and parts.netloc != "localhost") or location.startswith(("//", "/\\", "\\")):
            problems.append(f"redirect off the site: {location[:120]!r}")
    if 400 <= response.status_code < 500:
        problem = refusal_problem(response, api=api)
        if problem:
            problems.append(problem)
    return problems


def shows_form_errors(response) -> bool:
    """A 2xx page that re-shows a form with field errors (a refusal answered with 200)."""
    if response.status_code != 200 or "html" not in (response.content_type or ""):
        return False
    return any(t.strip() for t in _parsed(response).messages)
