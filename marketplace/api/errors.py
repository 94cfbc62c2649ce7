"""JSON responses and errors of the API, in the caller's language.

Every error under ``/api`` is ``{"error": {"code": ..., "message": ...}}`` (plus ``parameter``
for a bad query parameter, ``incident_id`` for a server error), never an HTML page. The
message is Japanese unless the request asks for English (``Accept-Language``) or, without
that header, the token owner's language is English.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from flask import current_app, g, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

#: Stable machine-readable codes per HTTP status (more specific ones are passed explicitly).
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    429: "rate_limited",
    500: "server_error",
}

DEFAULT_MESSAGES = {
    400: _l("リクエストの内容が正しくありません。"),
    401: _l("APIトークンが必要です。Authorization: Bearer <トークン> を付けてください。"),
    403: _l("この操作を行う権限がありません。"),
    404: _l("見つかりません。"),
    405: _l("このURLではそのメソッドは使えません。"),
    409: _l("現在の状態では実行できません。"),
    413: _l("リクエストが大きすぎます。"),
    429: _l("リクエストが多すぎます。しばらく待ってからやり直してください。"),
    500: _l("サーバーで問題が発生しました。時間をおいてやり直してください。"),
}


class ApiError(Exception):
    """An error response raised inside API views (``message`` may be a lazy string)."""

    def __init__(self, status: int, code: str | None = None, message: Any = None, *,
                 parameter: str | None = None, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(code or STATUS_CODES.get(status, "error"))
        self.status = status
        self.code = code or STATUS_CODES.get(status, "error")
        self.message = message
        self.parameter = parameter
        self.headers = dict(headers or {})


def api_language() -> str:
    """``ja`` or ``en``: the Accept-Language header, else the token owner's language, else Japanese."""
    languages = current_app.config.get("LANGUAGES", ("ja", "en"))
    if request.headers.get("Accept-Language"):
        best = request.accept_languages.best_match(languages)
        if best:
            return best
    user = g.get("api_user")
    if user is not None and user.locale in languages:
        return user.locale
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "ja")


def json_response(payload: Any, status: int = 200, headers: Mapping[str, str] | Iterable[tuple[str, str]] = ()
                  ) -> Response:
    """A JSON response (UTF-8, not ASCII-escaped) that no cache keeps."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    response = current_app.response_class(body, status=status, mimetype="application/json")
    response.headers.update(headers)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = api_language()
    return response


def error_response(status: int, *, code: str | None = None, message: Any = None, parameter: str | None = None,
                   incident_id: str | None = None,
                   headers: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> Response:
    """The JSON error body for ``status``, with the message rendered in the caller's language."""
    with force_locale(api_language()):
        text = str(message if message else DEFAULT_MESSAGES.get(status, DEFAULT_MESSAGES[400]))
    error: dict[str, Any] = {"code": code or STATUS_CODES.get(status, "error"), "message": text}
    if parameter:
        error["parameter"] = parameter
    if incident_id:
        error["incident_id"] = incident_id
    return json_response({"error": error}, status, headers)


def api_error_response(error: ApiError) -> Response:
    return error_response(error.status, code=error.code, message=error.message, parameter=error.parameter,
                          headers=error.headers)


def http_exception_response(error: HTTPException) -> Response:
    """Werkzeug's HTTP errors (404, 405 with its Allow header, 429 from the limiter…) as JSON.

    Flask-Limiter adds ``Retry-After`` and the ``X-RateLimit-*`` headers to the response itself.
    """
    status = error.code or 500
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return error_response(status, headers=headers)

