"""Structured logging: one JSON object per line (or plain text when LOG_FORMAT=text).

Logs never carry secrets or addresses: the signed tokens of a request's URL (verification,
password reset, unsubscribe links), API token secrets and e-mail addresses are replaced, in the
message, the path and a traceback alike.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from flask import Flask, has_request_context, request

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
#: API token secrets (``marketplace.accounts.api_tokens.SECRET_PREFIX``) wherever they appear.
_API_SECRET = re.compile(r"rtm_[A-Za-z0-9_-]{6,}")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` without the given secrets, API token secrets and e-mail addresses."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return _EMAIL.sub("[email]", _API_SECRET.sub("[token]", text))


def _url_secrets() -> list[str]:
    """The values of the current request's URL parameters that are secrets (``<token>``)."""
    args = request.view_args or {}
    return [str(value) for name, value in args.items() if "token" in name and value]


class JsonFormatter(logging.Formatter):
    """Format a record as JSON with time, level, logger, message and request context."""

    def format(self, record: logging.LogRecord) -> str:
        secrets = _url_secrets() if has_request_context() else []
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage(), secrets),
        }
        if has_request_context():
            entry["method"] = request.method
            entry["path"] = redact(request.path, secrets)
        for key in ("event", "incident_id", "user_id"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info), secrets)
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Plain lines (``LOG_FORMAT=text``), redacted like the JSON ones."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), _url_secrets() if has_request_context() else [])


def configure_logging(app: Flask) -> None:
    """Attach one handler to the ``marketplace`` logger tree."""
    logger = logging.getLogger("marketplace")
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    if not any(getattr(h, "_marketplace", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler._marketplace = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    for handler in logger.handlers:
        if getattr(handler, "_marketplace", False):
            if app.config.get("LOG_FORMAT") == "text":
                handler.setFormatter(TextFormatter())
            else:
                handler.setFormatter(JsonFormatter())
