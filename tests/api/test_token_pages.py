"""The page where signed-in users create and revoke API tokens, and the public API guide."""
from __future__ import annotations

import re

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import ApiToken, Role
from marketplace.accounts import api_tokens
from tests.api.conftest import bearer
from tests.conftest import login

SECRET = re.compile(r"rtm_[A-Za-z0-9_-]{43}")


def _create(client, name: str = "集計スクリプト"):
    return client.post("/auth/tokens", data={"name": name})


def test_a_new_token_is_shown_once_and_works_until_revoked(app, client, login_as, make_user):
    user_id = make_user(Role.CANDIDATE)
    login_as(user_id)
    page = client.get("/auth/tokens")
    assert page.status_code == 200 and "まだトークンはありません" in page.get_data(as_text=True)
    response = _create(client)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secrets_shown = SECRET.findall(response.get_data(as_text=True))
    assert len(secrets_shown) == 1
    secret = secrets_shown[0]
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user_id))
        assert token.name == "集計スクリプト" and token.token_hash == api_tokens.hash_secret(secret)
        assert secret not in (token.token_hash, token.token_prefix) and secret.startswith(token.token_prefix)
        token_id = token.id
    listing = client.get("/auth/tokens").get_data(as_text=True)
    assert secret not in listing and "集計スクリプト" in listing and "未使用" in listing
    assert client.get("/api/v1/me/suggestions", headers=bearer(secret)).status_code == 200
    assert "未使用" not in client.get("/auth/tokens").get_data(as_text=True)

    response = client.post(f"/auth/tokens/{token_id}/revoke")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/tokens")
    assert client.get("/api/v1/me/suggestions", headers=bearer(secret)).status_code == 401
    assert "無効（" in client.get("/auth/tokens").get_data(as_text=True)


def test_names_are_required_and_tokens_are_limited(client, login_as, make_user):
    login_as(make_user(Role.MEMBER))
    response = _create(client, "  ")
    assert response.status_code == 400 and "入力してください" in response.get_data(as_text=True)
    assert _create(client, "x" * 101).status_code == 400
    assert _create(client, "名前\u202e").status_code == 400
    for number in range(api_tokens.MAX_ACTIVE_TOKENS):
        assert _create(client, f"トークン{number}").status_code == 200
    response = _create(client, "もう一つ")
    assert response.status_code == 400 and "10個まで" in response.get_data(as_text=True)
    assert not SECRET.search(response.get_data(as_text=True))


def test_nobody_revokes_another_persons_token(app, client, login_as, make_user, make_token):
    owner, intruder = make_user(Role.CANDIDATE), make_user(Role.CANDIDATE)
    secret = make_token(owner)
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == owner))
    login_as(intruder)
    assert client.post(f"/auth/tokens/{token_id}/revoke").status_code == 403
    assert client.post("/auth/tokens/999999/revoke").status_code == 404
    assert client.get("/api/v1/postings", headers=bearer(secret)).status_code == 200
    assert "テスト用" not in client.get("/auth/tokens").get_data(as_text=True)


def test_the_token_page_needs_a_signed_in_user_and_the_second_factor(client, make_user):
    response = client.get("/auth/tokens")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    make_user(Role.COORDINATOR, email="coord-tokens@example.jp", area=(("accelerator",), ("39",)))
    login(client, "coord-tokens@example.jp")  # password only: no authenticator app set up yet
    response = client.get("/auth/tokens")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/security/two-factor/setup")
    assert client.post("/auth/tokens", data={"name": "x"}).status_code == 302


def test_the_guide_links_the_openapi_document_and_the_nav_links_the_tokens(client, login_as, make_user):
    guide = client.get("/developers/api")
    assert guide.status_code == 200 and 'href="/api/v1/openapi.json"' in guide.get_data(as_text=True)
    login_as(make_user(Role.CANDIDATE))
    assert 'href="/auth/tokens"' in client.get("/candidates/").get_data(as_text=True)
    assert 'href="/auth/tokens"' in client.get("/developers/api").get_data(as_text=True)
