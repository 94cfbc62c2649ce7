"""Web security (issue 8, ASVS level 2): headers, cookies, sessions, the second factor, login limits."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from werkzeug.routing import IntegerConverter

from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import RecoveryCode, Role, User
from marketplace.seeding.demo import DEMO_TOTP_SECRET
from tests.conftest import PASSWORD, enrol_second_factor, login, make_config

REPO_ROOT = Path(__file__).resolve().parents[2]
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
CODE_PAGE = "/auth/login/code"
SETUP_PAGE = "/auth/security/two-factor/setup"
AREA = (("accelerator",), ("39",))


# --- helpers -------------------------------------------------------------------------------
def _user(app, user_id: int) -> User:
    return db.session.get(User, user_id)


def _signed_in(app, user_id: int):
    """A fresh client signed in as ``user_id`` (completing the second factor where needed)."""
    client = app.test_client()
    with app.app_context():
        user = _user(app, user_id)
        secret = enrol_second_factor(user) if user.role in (Role.COORDINATOR, Role.ADMIN) else None
        email = user.email
        db.session.commit()
    response = login(client, email)
    if secret:
        assert response.headers["Location"] == CODE_PAGE
        response = client.post(CODE_PAGE, data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _secret_on_setup_page(client) -> str:
    """Open the enrolment page and read the secret shown as text (as a person would type it)."""
    page = client.get(SETUP_PAGE).get_data(as_text=True)
    match = re.search(r'<code class="secret-text">([A-Z2-7 ]+)</code>', page)
    assert match, page
    return match.group(1).replace(" ", "")


def _clients_by_role(app, make_user, make_org) -> dict[str, object]:
    org = make_org()
    return {
        "anonymous": app.test_client(),
        "candidate": _signed_in(app, make_user(Role.CANDIDATE)),
        "member": _signed_in(app, make_user(Role.MEMBER, org_id=org)),
        "coordinator": _signed_in(app, make_user(Role.COORDINATOR, area=AREA)),
        "admin": _signed_in(app, make_user(Role.ADMIN)),
    }


def _get_rules(app, *, with_arguments: bool):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if bool(rule.arguments) != with_arguments:
            continue
        yield rule


def _sample_path(rule) -> str:
    """Build the rule's URL with placeholder values (1 for numbers, a scheme code otherwise)."""
    values = {name: 1 if isinstance(conv, IntegerConverter) else "accelerator"
              for name, conv in rule._converters.items()}
    return rule.build(values, append_unknown=False)[1]


def _assert_security_headers(response, where: str) -> None:
    headers = response.headers
    assert headers.get("Content-Security-Policy") == CSP, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") in ("strict-origin-when-cross-origin", "same-origin"), where
    assert "camera=()" in headers.get("Permissions-Policy", ""), where
    assert headers.get("X-Frame-Options") == "DENY", where


class _InlineFinder(HTMLParser):
    """Collects inline scripts, inline event handlers, style attributes/elements, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): (value or "") for name, value in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in names.items():
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")


# --- headers -------------------------------------------------------------------------------
def test_security_headers_on_every_get_route_of_every_blueprint_for_every_role(app, make_user, make_org):
    clients = _clients_by_role(app, make_user, make_org)
    rules = list(_get_rules(app, with_arguments=False)) + list(_get_rules(app, with_arguments=True))
    blueprints_seen = set()
    for role, client in clients.items():
        for rule in rules:
            path = _sample_path(rule)
            response = client.get(path)
            _assert_security_headers(response, f"{role} GET {path} ({response.status_code})")
            blueprints_seen.add(rule.endpoint.split(".")[0])
    assert set(app.blueprints) <= blueprints_seen
    # Also on static files, POST answers and error pages.
    anonymous = clients["anonymous"]
    _assert_security_headers(anonymous.get("/static/css/app.css"), "static")
    _assert_security_headers(anonymous.post("/auth/login", data={}), "POST /auth/login")
    _assert_security_headers(anonymous.get("/no/such/page"), "404")


def test_hsts_only_on_https_and_forwarded_scheme_only_behind_a_configured_proxy(app, client, smtp_server):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    # Without a trusted proxy, a client cannot claim HTTPS with a header.
    spoofed = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers

    controller, _inbox = smtp_server
    behind_proxy = create_app(make_config(controller.port, PROXY_FIX_X_PROTO=1, PROXY_FIX_X_FOR=1))
    proxied = behind_proxy.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in proxied.headers
    assert "Strict-Transport-Security" not in behind_proxy.test_client().get("/").headers


def test_no_store_on_signed_in_and_auth_pages_only(app, client, make_user, login_as):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    assert client.get("/auth/login").headers["Cache-Control"] == "no-store"
    login_as(make_user(Role.CANDIDATE))
    for path in ("/", "/candidates/", "/postings", "/no/such/page"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    # Public files may still be cached.
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_no_inline_script_or_style_in_any_rendered_page(app, make_user, make_org):
    clients = _clients_by_role(app, make_user, make_org)
    checked = 0
    for role, client in clients.items():
        for rule in _get_rules(app, with_arguments=False):
            response = client.get(rule.rule)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            finder = _InlineFinder()
            finder.feed(response.get_data(as_text=True))
            assert finder.problems == [], (role, rule.rule, finder.problems)
            checked += 1
    # Pages reached only through a flow: the code step, enrolment, recovery codes, error pages.
    coordinator = make_user(Role.COORDINATOR, area=AREA)
    with app.app_context():
        email = _user(app, coordinator).email
    flow = app.test_client()
    login(flow, email)
    pages = [flow.get(SETUP_PAGE)]
    secret = _secret_on_setup_page(flow)
    pages.append(flow.post(SETUP_PAGE, data={"code": pyotp.TOTP(secret).now()}))
    pages.append(flow.get("/no/such/page"))
    flow.post("/auth/logout")
    login(flow, email)
    pages.append(flow.get(CODE_PAGE))
    for response in pages:
        finder = _InlineFinder()
        finder.feed(response.get_data(as_text=True))
        assert finder.problems == [], (response.request.path, finder.problems)
    assert checked >= 20


# --- cookies and request size ------------------------------------------------------------
def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    make_user(email="cookie@example.jp")
    response = login(client, "cookie@example.jp")
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development and tests run on plain HTTP


def test_cookies_are_secure_when_configured(smtp_server):
    controller, _inbox = smtp_server
    secure_app = create_app(make_config(controller.port, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True))
    with secure_app.app_context():
        db.create_all()
        from marketplace.accounts import operations as accounts
        accounts.create_user("secure@example.jp", PASSWORD, Role.CANDIDATE, verified=True)
        db.session.commit()
    response = login(secure_app.test_client(), "secure@example.jp")
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert secure_app.config["REMEMBER_COOKIE_HTTPONLY"] and secure_app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    with secure_app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("env, expected", [("production", "True"), ("development", "False")])
def test_secure_cookies_are_the_production_default(env, expected):
    code = "from marketplace.config import Config; print(Config.SESSION_COOKIE_SECURE, Config.REMEMBER_COOKIE_SECURE)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "MARKETPLACE_ENV": env},
    )
    assert result.stdout.split() == [expected, expected], result.stderr


def test_request_body_size_is_capped(app, client):
    assert 0 < app.config["MAX_CONTENT_LENGTH"] <= 16 * 1024 * 1024
    body = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/auth/login", data={"email": "a@example.jp", "password": body})
    assert response.status_code == 413


# --- sessions ------------------------------------------------------------------------------
def test_login_starts_a_new_session(app, client, make_user):
    make_user(email="fresh@example.jp")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["lang"] = "en"
    first = app.test_client()
    login(first, "fresh@example.jp")
    assert first.get("/candidates/").status_code == 200
    login(client, "fresh@example.jp")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "en"  # the visitor's language choice survives
    # A second sign-in is a second device: the earlier session goes on, with its own secret.
    assert first.get("/candidates/").status_code == 200
    assert first.get_cookie("session").value != client.get_cookie("session").value


def test_replayed_logged_out_cookie_is_refused(app, make_user):
    for role in (Role.CANDIDATE, Role.COORDINATOR):
        user_id = make_user(role, area=AREA if role == Role.COORDINATOR else None)
        client = _signed_in(app, user_id)
        home = "/candidates/" if role == Role.CANDIDATE else "/coordination/"
        cookie = client.get_cookie("session").value
        assert client.get(home).status_code == 200
        assert client.post("/auth/logout").status_code == 302
        replay = app.test_client()
        replay.set_cookie("session", cookie)
        response = replay.get(home)
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login"), role


def test_password_change_ends_other_sessions_and_keeps_this_one(app, make_user):
    user_id = make_user(email="change@example.jp")
    here = _signed_in(app, user_id)
    elsewhere = app.test_client()  # another device holding the same session
    elsewhere.set_cookie("session", here.get_cookie("session").value)
    assert elsewhere.get("/candidates/").status_code == 200

    wrong = here.post("/auth/security/password", data={
        "current_password": "not-my-Password-1", "password": "brand-New-pass-77", "password_confirm": "brand-New-pass-77",
    })
    assert wrong.status_code == 400 and "現在のパスワードが正しくありません" in wrong.get_data(as_text=True)
    assert elsewhere.get("/candidates/").status_code == 200

    response = here.post("/auth/security/password", data={
        "current_password": PASSWORD, "password": "brand-New-pass-77", "password_confirm": "brand-New-pass-77",
    })
    assert response.status_code == 302
    assert here.get("/candidates/").status_code == 200
    assert elsewhere.get("/candidates/").status_code == 302
    assert login(app.test_client(), "change@example.jp", PASSWORD).status_code == 401
    assert login(app.test_client(), "change@example.jp", "brand-New-pass-77").status_code == 302


def test_wrong_password_and_unknown_user_look_the_same_for_an_enrolled_coordinator(app, client, make_user):
    user_id = make_user(Role.COORDINATOR, email="known.coord@example.jp", area=AREA)
    with app.app_context():
        enrol_second_factor(_user(app, user_id))
        db.session.commit()
    wrong = login(client, "known.coord@example.jp", "wrong-Password-1")
    unknown = login(client, "nobody.coord@example.jp", "wrong-Password-1")
    assert wrong.status_code == unknown.status_code == 401

    def comparable(response, local_part: str) -> str:
        # CSRF tokens carry a timestamp: two pages a second apart differ there and only there.
        html = re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", response.get_data(as_text=True))
        return html.replace(local_part, "X@")

    assert comparable(wrong, "known.coord@") == comparable(unknown, "nobody.coord@")


# --- second factor: who must use it --------------------------------------------------------
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_user_without_second_factor_is_sent_to_enrolment_and_reaches_no_protected_page(app, client, make_user, role):
    user_id = make_user(role, email="no2fa@example.jp", area=AREA if role == Role.COORDINATOR else None)
    response = login(client, "no2fa@example.jp")
    assert response.status_code == 302 and response.headers["Location"] == SETUP_PAGE
    # The review queue, every coordination and admin page, and every other signed-in area.
    open_blueprints = {"auth", "public", "api"}
    paths = ["/coordination/postings/review"] + [
        _sample_path(rule) for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static"
        and rule.endpoint.split(".")[0] not in open_blueprints
    ]
    assert any(p.startswith("/coordination/") for p in paths) and any(p.startswith("/admin/") for p in paths)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == SETUP_PAGE, path
    posted = client.post("/coordination/postings/1/review", data={"decision": "approve"})
    assert posted.status_code == 302 and posted.headers["Location"] == SETUP_PAGE
    with app.app_context():
        assert not _user(app, user_id).totp_enabled_at


def test_half_signed_in_user_reaches_nothing_but_the_code_page(app, client, make_user):
    user_id = make_user(Role.COORDINATOR, email="half@example.jp", area=AREA)
    with app.app_context():
        enrol_second_factor(_user(app, user_id))
        db.session.commit()
    response = login(client, "half@example.jp")
    assert response.headers["Location"] == CODE_PAGE
    assert client.get(CODE_PAGE).status_code == 200
    for path in ("/coordination/", "/coordination/postings/review", "/auth/security", SETUP_PAGE,
                 "/candidates/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login"), path
    assert "ログアウト" not in client.get("/").get_data(as_text=True)


def test_enrolment_then_the_code_is_required_at_every_login(app, client, make_user):
    user_id = make_user(Role.COORDINATOR, email="enrol@example.jp", area=AREA)
    login(client, "enrol@example.jp")
    page = client.get(SETUP_PAGE).get_data(as_text=True)
    secret = _secret_on_setup_page(client)  # the same secret on every visit until confirmed
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in page
    with app.app_context():
        assert _user(app, user_id).totp_secret is None  # showing the page stores nothing
    uri = re.search(r"otpauth://totp/[^<\"]+", page).group(0).replace("&amp;", "&")
    assert pyotp.parse_uri(uri).secret == secret
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn on the server

    wrong = client.post(SETUP_PAGE, data={"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert wrong.status_code == 400
    assert client.get("/coordination/").headers["Location"] == SETUP_PAGE

    done = client.post(SETUP_PAGE, data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code>", done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert done.headers["Cache-Control"] == "no-store"
    assert client.get("/coordination/postings/review").status_code == 200
    with app.app_context():
        assert _user(app, user_id).totp_secret == secret
        stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
        assert len(stored) == 10
        assert not any(code.replace("-", "") in h or code in h for code in codes for h in stored)

    client.post("/auth/logout")
    response = login(client, "enrol@example.jp")
    assert response.headers["Location"] == CODE_PAGE


def test_totp_login_happy_path_and_replayed_code_refused(app, client, make_user):
    user_id = make_user(Role.COORDINATOR, email="totp@example.jp", area=AREA)
    with app.app_context():
        secret = enrol_second_factor(_user(app, user_id))
        db.session.commit()
    totp = pyotp.TOTP(secret)
    login(client, "totp@example.jp")
    bad = client.post(CODE_PAGE, data={"code": "123456" if totp.now() != "123456" else "654321"})
    assert bad.status_code == 401 and "コードが正しくないか" in bad.get_data(as_text=True)
    code = totp.now()
    response = client.post(CODE_PAGE, data={"code": code})
    assert response.status_code == 302 and response.headers["Location"] == "/coordination/"
    assert client.get("/coordination/postings/review").status_code == 200

    # The same code again (same time step, e.g. seen over a shoulder) is refused.
    client.post("/auth/logout")
    login(client, "totp@example.jp")
    replay = client.post(CODE_PAGE, data={"code": code})
    assert replay.status_code == 401
    assert client.get("/coordination/").status_code == 302
    # The next step's code (the phone may run a little ahead) is accepted: refusal is per step.
    with app.app_context():
        last = _user(app, user_id).totp_last_step
    response = client.post(CODE_PAGE, data={"code": totp.generate_otp(last + 1)})
    assert response.status_code == 302
    assert client.get("/coordination/").status_code == 200


def test_full_width_digits_and_spaces_are_accepted(app, client, make_user):
    user_id = make_user(Role.ADMIN, email="zenkaku@example.jp")
    with app.app_context():
        secret = enrol_second_factor(_user(app, user_id))
        db.session.commit()
    login(client, "zenkaku@example.jp")
    code = pyotp.TOTP(secret).now()
    full_width = "".join(chr(ord(d) + 0xFEE0) for d in code)
    response = client.post(CODE_PAGE, data={"code": f"{full_width[:3]} {full_width[3:]}"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"


def test_recovery_code_works_once(app, client, make_user):
    user_id = make_user(Role.COORDINATOR, email="recover@example.jp", area=AREA)
    login(client, "recover@example.jp")
    secret = _secret_on_setup_page(client)
    page = client.post(SETUP_PAGE, data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    codes = re.findall(r"<code>([0-9a-z-]{19})</code>", page)
    client.post("/auth/logout")

    login(client, "recover@example.jp")
    response = client.post(CODE_PAGE, data={"code": codes[0].upper()})
    assert response.status_code == 302
    page = client.get("/coordination/")
    assert page.status_code == 200 and "残りの回復コードは9個です" in page.get_data(as_text=True)
    client.post("/auth/logout")

    login(client, "recover@example.jp")
    assert client.post(CODE_PAGE, data={"code": codes[0]}).status_code == 401
    assert client.post(CODE_PAGE, data={"code": codes[1]}).status_code == 302
    with app.app_context():
        used = db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)
                                 .where(RecoveryCode.used_at.is_not(None)))
        assert used == 2


def test_code_attempts_are_limited_per_account(app, client, make_user):
    user_id = make_user(Role.COORDINATOR, email="guess@example.jp", area=AREA)
    with app.app_context():
        secret = enrol_second_factor(_user(app, user_id))
        db.session.commit()
    totp = pyotp.TOTP(secret)
    wrong = "000000" if totp.now() != "000000" else "111111"
    login(client, "guess@example.jp")
    statuses = [client.post(CODE_PAGE, data={"code": wrong}).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    # From another address the account is still locked; the right code waits for the window.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    login(other, "guess@example.jp")
    assert other.post(CODE_PAGE, data={"code": totp.now()}).status_code == 429


def test_pending_state_expires(app, client, make_user):
    user_id = make_user(Role.COORDINATOR, email="slow@example.jp", area=AREA)
    with app.app_context():
        secret = enrol_second_factor(_user(app, user_id))
        db.session.commit()
    login(client, "slow@example.jp")
    with client.session_transaction() as session:
        session["_pending_sign_in"] = dict(session["_pending_sign_in"], at=0)
    response = client.post(CODE_PAGE, data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert client.get("/coordination/").status_code == 302


def test_second_factor_is_optional_for_candidates_and_can_be_switched_off(app, client, make_user, login_as):
    user_id = make_user(Role.CANDIDATE, email="opt@example.jp")
    login_as(user_id)
    assert "二段階認証を設定する" in client.get("/auth/security").get_data(as_text=True)
    secret = _secret_on_setup_page(client)
    totp = pyotp.TOTP(secret)
    assert client.post(SETUP_PAGE, data={"code": totp.now()}).status_code == 200
    client.post("/auth/logout")
    assert login(client, "opt@example.jp").headers["Location"] == CODE_PAGE
    with app.app_context():
        last = _user(app, user_id).totp_last_step
    assert client.post(CODE_PAGE, data={"code": totp.generate_otp(last + 1)}).status_code == 302
    with app.app_context():
        _user(app, user_id).totp_last_step = None
        db.session.commit()
    response = client.post("/auth/security/two-factor/disable", data={"disable-code": totp.now()})
    assert response.status_code == 302
    client.post("/auth/logout")
    assert login(client, "opt@example.jp").headers["Location"] == "/candidates/"


def test_coordinator_cannot_switch_the_second_factor_off(app, client, make_user, login_as):
    user_id = make_user(Role.COORDINATOR, area=AREA)
    login_as(user_id)
    assert "二段階認証を無効にする" not in client.get("/auth/security").get_data(as_text=True)
    with app.app_context():
        user = _user(app, user_id)
        user.totp_last_step = None
        secret = user.totp_secret
        db.session.commit()
    response = client.post("/auth/security/two-factor/disable", data={"disable-code": pyotp.TOTP(secret).now()})
    assert response.status_code == 403
    with app.app_context():
        assert _user(app, user_id).totp_enabled_at is not None


# --- command line and demo ------------------------------------------------------------------
def test_users_create_tells_coordinators_to_enrol_and_reset_2fa_sends_them_back(app, runner, client):
    result = runner.invoke(args=[
        "users", "create", "--email", "cli.coord@example.jp", "--role", "coordinator",
        "--scheme", "accelerator", "--prefecture", "39", "--password", "kochi-Area-2026",
    ])
    assert result.exit_code == 0 and "/auth/security/two-factor/setup" in result.output
    candidate = runner.invoke(args=["users", "create", "--email", "cli.cand@example.jp", "--role", "candidate",
                                    "--password", "kochi-Area-2026"])
    assert "two-factor" not in candidate.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "cli.coord@example.jp"))
        enrol_second_factor(user)
        db.session.commit()
    reset = runner.invoke(args=["users", "reset-2fa", "--email", "cli.coord@example.jp"])
    assert reset.exit_code == 0, reset.output
    response = login(client, "cli.coord@example.jp", "kochi-Area-2026")
    assert response.headers["Location"] == SETUP_PAGE


def test_demo_coordinators_share_the_documented_secret(app, runner, client):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert DEMO_TOTP_SECRET in result.output
    assert DEMO_TOTP_SECRET in (REPO_ROOT / "README.md").read_text("utf-8")
    from marketplace.seeding.demo import DEMO_PASSWORD

    response = login(client, "coordinator.kochi@example.jp", DEMO_PASSWORD)
    assert response.headers["Location"] == CODE_PAGE
    assert client.post(CODE_PAGE, data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()}).status_code == 302


# --- login limits across workers ----------------------------------------------------------
_WORKER = """
import json, sys
from marketplace import create_app
from marketplace.extensions import db
storage, prefix, attempts = sys.argv[1], sys.argv[2], int(sys.argv[3])
app = create_app({
    "TESTING": True, "SECRET_KEY": "worker-test-key", "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_PROFILE": "fast", "LOG_LEVEL": "ERROR",
    "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_KEY_PREFIX": prefix, "LOGIN_RATE_LIMIT": "5 per minute",
})
with app.app_context():
    db.create_all()
client = app.test_client()
print(json.dumps([client.post("/auth/login", data={"email": "someone@example.jp", "password": "wrong-Pass-1"}).status_code
                  for _ in range(attempts)]))
"""


def _worker(storage: str, prefix: str, attempts: int) -> list[int]:
    result = subprocess.run([sys.executable, "-c", _WORKER, storage, prefix, str(attempts)],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_login_limit_holds_across_workers_sharing_redis():
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (start it: redis-server --daemonize yes)")
    prefix = f"test-{uuid.uuid4().hex}"
    # Two separate processes, each with its own app instance, as two gunicorn workers would be.
    first = _worker("redis://127.0.0.1:6379/0", prefix, 3)
    second = _worker("redis://127.0.0.1:6379/0", prefix, 3)
    assert first == [401, 401, 401]
    assert second == [401, 401, 429]
    # The control: with per-process memory storage each worker would allow its own five.
    assert _worker("memory://", prefix, 3) == [401, 401, 401]
