"""API tokens end: at the term chosen when they were issued, and with a password change or reset."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import ApiToken, Role, User, utcnow
from marketplace.accounts import operations as accounts, api_tokens
from tests.api.conftest import bearer
from tests.conftest import PASSWORD, login

SECRET = re.compile(r"rtm_[A-Za-z0-9_-]{43}")
NEW_PASSWORD = "brand-New-pass-77"


def _token(app, user_id: int) -> ApiToken:
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user_id)
                                  .order_by(ApiToken.id.desc()))
        db.session.expunge(token)
        return token


def test_the_page_offers_terms_defaulting_to_90_days_and_lists_the_expiry(app, client, login_as, make_user):
    user_id = make_user(Role.CANDIDATE)
    login_as(user_id)
    page = client.get("/auth/tokens").get_data(as_text=True)
    assert "有効期限" in page
    for days in api_tokens.EXPIRY_CHOICES_DAYS:
        assert f'value="{days}"' in page
    assert re.search(r'<option selected value="90">|<option value="90" selected', page)

    before = utcnow()
    response = client.post("/auth/tokens", data={"name": "既定の期限"})
    assert response.status_code == 200 and SECRET.search(response.get_data(as_text=True))
    token = _token(app, user_id)
    assert timedelta(days=90) <= token.expires_at - before <= timedelta(days=90, minutes=5)

    response = client.post("/auth/tokens", data={"name": "一週間", "expires_in_days": "7"})
    assert response.status_code == 200
    token = _token(app, user_id)
    assert timedelta(days=7) <= token.expires_at - before <= timedelta(days=7, minutes=5)
    listing = client.get("/auth/tokens").get_data(as_text=True)
    with app.test_request_context():
        assert app.jinja_env.filters["datetime_jst"](token.expires_at) in listing

    for bad in ("0", "1000", "abc", "-7"):
        response = client.post("/auth/tokens", data={"name": "悪い期限", "expires_in_days": bad})
        assert response.status_code == 400, bad
        assert not SECRET.search(response.get_data(as_text=True))


def test_an_expired_token_answers_401_in_json_and_is_shown_as_expired(app, client, login_as, make_user,
                                                                      make_token):
    user_id = make_user(Role.CANDIDATE)
    secret = make_token(user_id)
    assert client.get("/api/v1/me/suggestions", headers=bearer(secret)).status_code == 200
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user_id))
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = client.get("/api/v1/me/suggestions", headers=bearer(secret))
    assert response.status_code == 401
    assert response.is_json and response.get_json()["error"]["code"] == "invalid_token"
    assert "有効期限" in response.get_json()["error"]["message"]
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    english = client.get("/api/v1/me/suggestions", headers=bearer(secret, **{"Accept-Language": "en"}))
    assert english.status_code == 401 and "expired" in english.get_json()["error"]["message"]
    login_as(user_id)
    assert "有効期限切れ" in client.get("/auth/tokens").get_data(as_text=True)
    # An expired token no longer counts against the limit of active tokens.
    with app.app_context():
        assert api_tokens.active_tokens(db.session.get(User, user_id)) == []


def test_a_password_change_revokes_every_token(app, client, make_user, make_token):
    user_id = make_user(Role.CANDIDATE, email="tokens-pw@example.jp")
    first, second = make_token(user_id, "一つ目"), make_token(user_id, "二つ目")
    login(client, "tokens-pw@example.jp")
    response = client.post("/auth/security/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    for secret in (first, second):
        assert client.get("/api/v1/me/suggestions", headers=bearer(secret)).status_code == 401
    with app.app_context():
        assert all(t.revoked_at is not None for t in db.session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user_id)))


def test_a_password_reset_revokes_every_token_and_only_the_owners(app, client, make_user, make_token):
    user_id, other_id = make_user(Role.CANDIDATE), make_user(Role.CANDIDATE)
    secret, other_secret = make_token(user_id), make_token(other_id)
    with app.app_context():
        accounts.reset_password(db.session.get(User, user_id), NEW_PASSWORD)
        db.session.commit()
    assert client.get("/api/v1/me/suggestions", headers=bearer(secret)).status_code == 401
    assert client.get("/api/v1/me/suggestions", headers=bearer(other_secret)).status_code == 200


def test_a_retried_token_request_issues_no_second_token(app, client, login_as, make_user):
    user_id = make_user(Role.CANDIDATE)
    login_as(user_id)
    page = client.get("/auth/tokens").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    first = client.post("/auth/tokens", data={"name": "連携", "idempotency_key": key})
    assert first.status_code == 200 and SECRET.search(first.get_data(as_text=True))
    again = client.post("/auth/tokens", data={"name": "連携", "idempotency_key": key})
    assert again.status_code == 303 and again.headers["Location"].endswith("/auth/tokens")
    assert not SECRET.search(again.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiToken.id)).where(ApiToken.user_id == user_id)) == 1
