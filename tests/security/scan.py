"""Looking for canaries and internals in responses and e-mails, and saying where they were found."""
from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from email.message import EmailMessage
from urllib.parse import unquote

#: Text that a refusal or error page must never carry (debug pages, stack traces, SQL).
INTERNALS = ("Traceback", "sqlalchemy", "SELECT ", "INSERT INTO", "UPDATE ", "psycopg", "sqlite3.",
             'File "', "werkzeug.debug", "jinja2.exceptions")

_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)
_META = re.compile(r"<meta\b[^>]*>", re.I)


def _variants(text: str) -> str:
    """The text as written, HTML-unescaped and URL-decoded (mailto: links, Content-Disposition)."""
    unescaped = html.unescape(text)
    return "\n".join(dict.fromkeys((text, unescaped, unquote(unescaped))))


def response_parts(response) -> dict[str, str]:
    """Where a value can show in a response: headers, <title>, <meta> tags, and the whole body."""
    body = response.get_data().decode("utf-8", errors="replace")
    parts = {"headers": _variants("\n".join(f"{name}: {value}" for name, value in response.headers.items()))}
    if response.mimetype == "text/html":
        parts["<title>"] = _variants("\n".join(_TITLE.findall(body)))
        parts["<meta>"] = _variants("\n".join(_META.findall(body)))
    if response.is_json:
        try:
            parts["json"] = json.dumps(response.get_json(), ensure_ascii=False)
        except ValueError:  # pragma: no cover - a broken JSON body is found by the body check
            pass
    parts["body"] = _variants(body)
    return parts


def mail_parts(message: EmailMessage) -> dict[str, str]:
    """Headers (decoded) and every text part of a message (transfer encodings undone)."""
    parts = {"headers": _variants("\n".join(f"{name}: {value}" for name, value in message.items()))}
    for index, part in enumerate(message.walk()):
        if part.get_content_maintype() == "text":
            parts[f"part {index} ({part.get_content_type()})"] = _variants(part.get_content())
    return parts


def found(patterns: dict[str, re.Pattern[str]], parts: dict[str, str]) -> list[tuple[str, str]]:
    """(canary key, where) for every canary that appears in any part."""
    return [(key, where) for where, text in parts.items() for key, pattern in patterns.items()
            if pattern.search(text)]


def internals_in(text: str, secrets: Iterable[str]) -> list[str]:
    return [marker for marker in (*INTERNALS, *secrets) if marker and marker in text]
