"""Error pages in the user's language; 500s are rolled back and logged with an incident id."""
from __future__ import annotations

import logging
import secrets

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from marketplace.extensions import db
from marketplace.core.domain_errors import DomainError

logger = logging.getLogger(__name__)

_PAGES = {400, 403, 404, 405, 413, 429, 500}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/reference/")


def _is_api() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _render(code: int, **context: object) -> tuple[object, int]:
    if _is_api():  # the API's own error body (marketplace.api.errors), in the caller's language
        from marketplace.api.errors import error_response

        message, incident = context.get("message"), context.get("incident_id")
        return error_response(code, message=message if isinstance(message, str) else None,
                              incident_id=incident if isinstance(incident, str) else None), code
    if _wants_json():
        return jsonify(error=code, **{k: v for k, v in context.items() if isinstance(v, str)}), code
    template = f"errors/{code}.html" if code in _PAGES else "errors/generic.html"
    return render_template(template, code=code, **context), code


def register_error_handlers(app: Flask) -> None:
    """Install handlers for HTTP errors, CSRF failures, domain errors and crashes."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[object, int]:
        return _render(400, csrf=True)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> tuple[object, int]:
        db.session.rollback()
        return _render(error.status_code, message=error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[object, int]:
        code = error.code or 500
        if _is_api():  # keeps the exception's headers (Allow on 405)
            from marketplace.api.errors import http_exception_response

            return http_exception_response(error), code
        return _render(code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[object, int]:
        db.session.rollback()
        incident = secrets.token_hex(6)
        logger.exception("unhandled error, incident %s", incident, extra={"event": "error.500", "incident_id": incident})
        return _render(500, incident_id=incident)
