"""No password, token or e-mail address in the logs of the whole test run.

Runs after every other test (``tests/security/log_capture.py`` moves it last and keeps every log
record of the run, formatted as production formats it). So that it can fail on its own too, it
first walks the paths where secrets travel: registration and the e-mailed verification link,
logins right and wrong, the e-mailed password reset link, the second factor with recovery codes,
an API token, one-click unsubscribe and a crash on a URL carrying a token.
"""
from __future__ import annotations

import logging
import re
import sys

import pyotp
import pytest
from flask import Blueprint

from marketplace.extensions import db
from marketplace.core.logs import JsonFormatter, TextFormatter
from marketplace.models import Role, User
from marketplace.accounts import api_tokens, two_factor
from marketplace.digests import notifications
from tests.conftest import PASSWORD, enrol_second_factor, login
from tests.security.log_capture import COLLECTOR, LEDGER, any_of, known_passwords, leaks_in

LINK = re.compile(r"http://localhost(/auth/\S+)")
NEW_PASSWORD = "Kochi-river-Moon-2026"


def _link_in(message) -> str:
    found = LINK.search(message.get_body(preferencelist=("plain",)).get_content())
    assert found, message
    return found.group(1)


@pytest.fixture
def crashing_app(app):
    """The test app with debug and exception propagation off, and a route that fails on a token URL."""
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False, DEBUG=False)
    boom = Blueprint("log_sentinel_boom", __name__)

    @boom.route("/log-sentinel/boom/<token>")
    def explode(token: str):
        raise RuntimeError(f"could not handle {token} for someone@example.jp")

    app.register_blueprint(boom)
    return app


def _walk_the_secret_paths(app, mailbox, make_user) -> None:
    client = app.test_client()
    register = {"email": "log-sentinel@example.jp", "display_name": "ログ 確認", "password": NEW_PASSWORD,
                "password_confirm": NEW_PASSWORD, "role": "candidate"}
    response = client.post("/auth/register", data=register)
    assert response.status_code == 303
    response.close()  # a WSGI server closes the answer once sent: the queued mail leaves then
    assert client.get(_link_in(mailbox.to("log-sentinel@example.jp")[0])).status_code == 200
    assert login(client, "log-sentinel@example.jp", "wrong-Password-123").status_code == 401
    assert login(client, "log-sentinel@example.jp", NEW_PASSWORD).status_code == 302
    client.post("/auth/logout")

    mailbox.clear()
    response = client.post("/auth/password/forgot", data={"email": "log-sentinel@example.jp"})
    assert response.status_code == 200
    response.close()
    link = _link_in(mailbox.to("log-sentinel@example.jp")[0])
    assert client.get(link).status_code == 200
    assert client.post(link, data={"password": PASSWORD, "password_confirm": PASSWORD}).status_code == 302

    coordinator_id = make_user(Role.COORDINATOR, email="log-coordinator@example.jp",
                               area=(("accelerator",), ("39",)))
    with app.app_context():
        coordinator = db.session.get(User, coordinator_id)
        secret = enrol_second_factor(coordinator)
        codes = two_factor.replace_recovery_codes(coordinator)
        candidate = db.session.scalar(db.select(User).where(User.email == "log-sentinel@example.jp"))
        _token, api_secret = api_tokens.create_token(candidate, "ログ確認")
        unsubscribe = notifications.unsubscribe_url(candidate, notifications.DIGESTS_SCOPE)
        db.session.commit()
    assert codes and secret in LEDGER.values and api_secret in LEDGER.values
    other = app.test_client()
    assert login(other, "log-coordinator@example.jp").headers["Location"].endswith("/auth/login/code")
    assert other.post("/auth/login/code", data={"code": "000000"}).status_code in (200, 400, 401)
    assert other.post("/auth/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    other.post("/auth/logout")
    assert login(other, "log-coordinator@example.jp").status_code == 302
    assert other.post("/auth/login/code", data={"code": codes[0]}).status_code == 302

    assert client.get("/api/v1/postings", headers={"Authorization": f"Bearer {api_secret}"}).status_code == 200
    path = unsubscribe.removeprefix("http://localhost")
    assert client.get(path).status_code == 200
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code in (200, 302)
    assert client.get(f"/log-sentinel/boom/{api_secret}").status_code == 500


@pytest.mark.after_all_other_tests
def test_no_password_token_or_email_address_in_any_log_record_of_the_run(crashing_app, mailbox, make_user):
    before = len(COLLECTOR.lines)
    _walk_the_secret_paths(crashing_app, mailbox, make_user)
    # the capture works and sees what production logs: this test's own logins, verification and crash
    events = set(COLLECTOR.events[before:])
    assert {"auth.login", "user.verified", "auth.password_changed", "error.500", "api_token.created"} <= events, events

    passwords = known_passwords() | LEDGER.passwords
    assert {PASSWORD, NEW_PASSWORD, "wrong-Password-123"} <= passwords
    secrets_made = LEDGER.values - passwords
    password_pattern = any_of(passwords)
    problems = []
    for line in COLLECTOR.lines:
        for problem in leaks_in(line, secrets_made, password_pattern):
            problems.append(f"{problem} in: {line[:300]}")
    if problems:
        pytest.fail(f"{len(problems)} secrets in {len(COLLECTOR.lines)} log records:\n" + "\n".join(problems[:30]),
                    pytrace=False)


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()], ids=["json", "text"])
def test_log_lines_hide_url_tokens_api_secrets_and_addresses(app, formatter):
    token = "eyJ1aWQiOjF9.awlY6g.E0AuGjJR3L_UddlI_xpN6LmA2JY"
    with app.test_request_context(f"/auth/verify/{token}"):
        try:
            raise ValueError(f"bad {token} from hanako@example.jp with rtm_AbCdEf123456")
        except ValueError:
            record = logging.LogRecord("marketplace.test", logging.ERROR, __file__, 1, "failed for %s (%s)",
                                       ("hanako@example.jp", "rtm_AbCdEf123456"), sys.exc_info())
        line = formatter.format(record)
    assert "ValueError" in line and "failed for" in line
    for secret in (token, "hanako@example.jp", "rtm_AbCdEf123456", "AbCdEf123456"):
        assert secret not in line, (secret, line)
