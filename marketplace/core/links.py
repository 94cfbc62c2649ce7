"""Absolute links for mail, built from ``BASE_URL`` (works with or without a request)."""
from __future__ import annotations

from typing import Any

from flask import current_app
from werkzeug.routing import BuildError


def external_url(endpoint: str, **values: Any) -> str:
    """``BASE_URL`` + the path of ``endpoint``; extra values become the query string.

    Built from the URL map directly, so the scheduler (no request, no ``SERVER_NAME``) can use it.
    Raises ``werkzeug.routing.BuildError`` for an unknown endpoint.
    """
    adapter = current_app.url_map.bind("localhost", url_scheme="http")
    clean = {k: v for k, v in values.items() if v not in (None, "")}
    path = adapter.build(endpoint, clean, force_external=False)
    return current_app.config["BASE_URL"].rstrip("/") + path


def first_url(*candidates: tuple[str, dict[str, Any]]) -> str:
    """The first of several ``(endpoint, values)`` that exists (for pages other modules may add)."""
    for endpoint, values in candidates:
        try:
            return external_url(endpoint, **values)
        except BuildError:
            continue
    return current_app.config["BASE_URL"].rstrip("/") + "/"
