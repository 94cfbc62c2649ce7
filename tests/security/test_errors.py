"""Errors fail closed: with debug off, no error body shows a traceback, SQL, a secret or personal data.

A crash answers with the error page (or the API's JSON error) and an incident id; the same id is
in the log record, which keeps the traceback for the operator (with addresses and tokens
redacted). Every refusal the site makes to bad input (400, 403, 404, 405, 413) is as quiet.
The crawl of ``test_leak_sentinel.py`` checks the 4xx bodies of every route on top of these.
"""
from __future__ import annotations

import logging
import re

import pytest
import sqlalchemy as sa
from flask import Blueprint

from marketplace.extensions import db
from marketplace.core.logs import JsonFormatter
from marketplace.models import Role
from tests.conftest import PASSWORD
from tests.security.scan import internals_in

PRIVATE_EMAIL = "crash-owner@example.jp"
INCIDENT = re.compile(r"次の番号をお知らせください: ([0-9a-f]{12})")


@pytest.fixture
def quiet_app(app):
    """The test app as in production: no debug, no testing shortcuts, exceptions not propagated,
    with test-only routes that fail in Python and in SQL."""
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False, DEBUG=False, WTF_CSRF_ENABLED=True)
    crash = Blueprint("crash_test", __name__)

    @crash.route("/crash-test/python/<token>")
    def python_error(token: str):
        raise RuntimeError(f"cannot serve {token} to {PRIVATE_EMAIL}")

    @crash.route("/crash-test/sql")
    def sql_error():
        db.session.execute(sa.text("SELECT no_such_column FROM users WHERE email = :email"), {"email": PRIVATE_EMAIL})
        return "unreachable"

    api_crash = Blueprint("crash_test_api", __name__, url_prefix="/api/v1/crash-test")

    @api_crash.route("/sql")
    def api_sql_error():
        return sql_error()

    app.register_blueprint(crash)
    app.register_blueprint(api_crash)
    assert not app.debug and not app.testing
    return app


def _assert_closed(response, secret_key: str) -> str:
    """No secret in any answer; no internals in an error (a search page may echo the query typed)."""
    body = response.get_data(as_text=True)
    text = body + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    shown = [s for s in (secret_key, PRIVATE_EMAIL, "no_such_column") if s in text]
    if response.status_code >= 400:
        shown += internals_in(text, ["users WHERE"])
    assert not shown, (response.status_code, shown, body[:500])
    return body


@pytest.mark.parametrize("path", ["/crash-test/python/sec-Token-4411", "/crash-test/sql"])
def test_a_crash_shows_the_error_page_with_an_incident_id_that_is_in_the_log(quiet_app, caplog, path):
    caplog.set_level(logging.ERROR, logger="marketplace")
    response = quiet_app.test_client().get(path)
    assert response.status_code == 500 and response.mimetype == "text/html"
    body = _assert_closed(response, quiet_app.config["SECRET_KEY"])
    assert "エラーが発生しました" in body
    found = INCIDENT.search(body)
    assert found, body
    incident = found.group(1)
    (record,) = [r for r in caplog.records if getattr(r, "incident_id", None) == incident]
    with quiet_app.test_request_context(path):
        line = JsonFormatter().format(record)
    assert incident in line and "Traceback" in line  # the operator gets the whole story ...
    assert PRIVATE_EMAIL not in line and "sec-Token-4411" not in line  # ... without addresses or URL tokens


def test_a_crash_under_the_api_answers_json_with_an_incident_id(quiet_app, caplog):
    caplog.set_level(logging.ERROR, logger="marketplace")
    response = quiet_app.test_client().get("/api/v1/crash-test/sql")
    assert response.status_code == 500 and response.is_json
    _assert_closed(response, quiet_app.config["SECRET_KEY"])
    error = response.get_json()["error"]
    assert error["incident_id"] and error["message"]
    assert any(getattr(r, "incident_id", None) == error["incident_id"] for r in caplog.records)


def test_refusals_of_bad_input_show_nothing_internal(quiet_app, make_user):
    make_user(Role.CANDIDATE, email="someone@example.jp")
    client = quiet_app.test_client()
    secret_key = quiet_app.config["SECRET_KEY"]
    hostile = "' OR 1=1; SELECT * FROM users --"
    requests = [
        ("get", "/no-such-page", {}, 404),
        ("get", f"/postings/{2**70}", {}, 404),
        ("get", f"/postings?q={hostile}&page=-1&per_page=abc&scheme=<script>", {}, None),
        ("get", "/auth/verify/" + "x" * 300, {}, 400),
        ("get", "/auth/password/reset/not.a.token", {}, 400),
        ("get", "/settings/unsubscribe/forged.token.value", {}, None),
        ("post", "/postings", {}, 405),
        ("post", "/auth/login", {"data": {"email": "someone@example.jp", "password": PASSWORD}}, 400),  # no CSRF
        ("post", "/auth/login", {"data": {"email": hostile, "password": hostile}}, 400),
        ("post", "/auth/register", {"data": b"x" * (quiet_app.config["MAX_CONTENT_LENGTH"] + 1),
                                    "content_type": "application/octet-stream"}, 413),
        ("get", "/api/v1/postings?page=" + hostile, {}, 401),
        ("get", "/api/v1/postings/1", {"headers": {"Authorization": "Bearer rtm_" + "A" * 43}}, 401),
        ("get", "/coordination/", {}, None),
    ]
    for method, path, kwargs, status in requests:
        response = getattr(client, method)(path, **kwargs)
        assert response.status_code < 500, (path, response.status_code)
        if status is not None:
            assert response.status_code == status, (path, response.status_code)
        body = _assert_closed(response, secret_key)
        assert "someone@example.jp" not in body or method == "post", path
