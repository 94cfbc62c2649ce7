"""HTTP hardening: security headers on every response, proxy awareness, the second-factor gate.

* Content-Security-Policy without inline script or style, frame-ancestors 'none', nosniff,
  Referrer-Policy, Permissions-Policy, and HSTS on HTTPS requests (``request.is_secure``; behind
  a TLS-terminating proxy set ``PROXY_FIX_X_PROTO=1`` so that the forwarded scheme counts).
* ``Cache-Control: no-store`` on every response to a signed-in (or half-signed-in) visitor and on
  every page of the auth blueprint, so that no personal page is kept by the browser or a proxy.
* Coordination, admin and every other signed-in area refuse users whose role needs a second factor
  they have not given (``role_required`` does the same for every role-protected view; this covers
  whole blueprints, including views that forgot the decorator).
"""
from __future__ import annotations

import logging

from flask import Flask, current_app, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

logger = logging.getLogger(__name__)

#: Blueprints open to a user whose role needs a second factor not yet given: signing in and
#: enrolling (auth), public pages, and the JSON API (bearer tokens only, never the session cookie;
#: tokens are created on role-protected pages). Every other page (coordination, admin, …) needs it.
SECOND_FACTOR_EXEMPT_BLUEPRINTS = frozenset({"auth", "public", "api"})
#: Endpoints whose responses may be cached although the visitor is signed in (public files).
CACHEABLE_ENDPOINTS = frozenset({"static", "public.favicon"})


def init_app(app: Flask) -> None:
    """Install the proxy fix (when configured), the header hook and the second-factor gate."""
    _install_proxy_fix(app)
    app.after_request(_set_security_headers)
    # Before every other hook (CSRF reads the form first): the raw bytes are only visible before parsing.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_invalid_utf8)
    app.before_request(_refuse_nul_characters)
    app.before_request(_second_factor_gate)
    storage = app.config.get("RATELIMIT_STORAGE_URI", "memory://")
    if app.config.get("ENV_NAME") == "production" and storage.startswith("memory://"):
        logger.warning("rate limits are kept in memory: set RATELIMIT_STORAGE_URI to share them between workers",
                       extra={"event": "config.ratelimit_memory"})


def _refuse_nul_characters() -> None:
    """No text a person types contains NUL; PostgreSQL cannot even compare with one. Refuse early."""
    from flask import request
    from flask_babel import gettext as _

    from marketplace.core.domain_errors import DomainError

    values = list(request.args.values())
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        values += list(request.form.values())
    if any("\x00" in value for value in values):
        raise DomainError(_("入力に使えない文字（NUL）が含まれています。"))


#: Bodies whose raw bytes are checked (Werkzeug re-quotes invalid UTF-8 there as literal ``%ED%A0%80``).
_URLENCODED = "application/x-www-form-urlencoded"


def _has_invalid_utf8(raw: bytes) -> bool:
    """Whether some name or value of a query string or urlencoded body is not valid UTF-8.

    Python's strict decoder also refuses the encoded surrogates (``%ED%A0%80``) and overlong forms.
    """
    from urllib.parse import unquote_to_bytes

    if raw.isascii() and b"%" not in raw:
        return False
    for pair in raw.split(b"&"):
        for part in pair.split(b"=", 1):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return True
    return False


def _refuse_invalid_utf8() -> None:
    """Refuse a query string or form body that is not UTF-8, instead of storing it re-quoted."""
    from flask_babel import gettext as _

    from marketplace.core.domain_errors import DomainError

    bad = _has_invalid_utf8(request.query_string)
    if not bad and request.method in ("POST", "PUT", "PATCH") and request.mimetype == _URLENCODED:
        # Cached, so that the form is parsed from these same bytes afterwards.
        bad = _has_invalid_utf8(request.get_data(cache=True))
    if bad:
        raise DomainError(_("入力の文字コードが正しくありません。UTF-8 で送り直してください。"))


def _install_proxy_fix(app: Flask) -> None:
    counts = {name: int(app.config.get(f"PROXY_FIX_{name.upper()}", 0) or 0)
              for name in ("x_for", "x_proto", "x_host", "x_port", "x_prefix")}
    if any(counts.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **counts)  # type: ignore[method-assign]


def _is_signed_in() -> bool:
    from marketplace.accounts import sign_in

    try:
        return bool(current_user.is_authenticated) or sign_in.has_pending()
    except Exception:  # noqa: BLE001 (e.g. the database is down while rendering an error page)
        return False


def _set_security_headers(response: Response) -> Response:
    config = current_app.config
    headers = response.headers
    headers.setdefault("Content-Security-Policy", config["CONTENT_SECURITY_POLICY"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", config["REFERRER_POLICY"])
    headers.setdefault("Permissions-Policy", config["PERMISSIONS_POLICY"])
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    max_age = int(config.get("HSTS_MAX_AGE", 0) or 0)
    if request.is_secure and max_age > 0:
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
    if request.endpoint not in CACHEABLE_ENDPOINTS and (request.blueprint == "auth" or _is_signed_in()):
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
        headers.pop("ETag", None)
        headers.pop("Last-Modified", None)
    return response


def _second_factor_gate() -> Response | None:
    if request.blueprint is None or request.blueprint in SECOND_FACTOR_EXEMPT_BLUEPRINTS:
        return None
    from marketplace.core.access import second_factor_redirect

    return second_factor_redirect()
