"""Registration, email verification, login, logout and password reset through the web."""
from __future__ import annotations

import re

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Organisation, Role, User
from tests.conftest import PASSWORD, login

LINK = re.compile(r"http://localhost(/auth/\S+)")


def _link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def _register(client, **overrides):
    data = {
        "email": "hanako@example.jp",
        "display_name": "山田 花子",
        "password": "sunny-Kochi-2026",
        "password_confirm": "sunny-Kochi-2026",
        "role": "candidate",
    }
    data.update(overrides)
    return client.post("/auth/register", data=data, follow_redirects=True)


def test_register_post_redirects_so_a_reload_does_not_send_it_again(app, client, mailbox):
    data = {"email": "prg@example.jp", "display_name": "山田 花子", "password": "sunny-Kochi-2026",
            "password_confirm": "sunny-Kochi-2026", "role": "candidate"}
    response = client.post("/auth/register", data=data)
    assert response.status_code == 303
    response.close()  # a WSGI server closes the answer once sent: the queued mail leaves then
    assert response.headers["Location"] == "/auth/register/sent"
    page = client.get("/auth/register/sent")
    assert "prg@example.jp 宛てに確認用のリンクを送りました" in page.get_data(as_text=True)
    client.get("/auth/register/sent")  # a reload of the result page
    assert len(mailbox.to("prg@example.jp")) == 1
    # Without a registration in this session the page sends the visitor to the form.
    assert app.test_client().get("/auth/register/sent").headers["Location"] == "/auth/register"


def test_register_form_shows_no_countrywide_municipality_list(app, client):
    from marketplace.seeding.reference import load_reference

    with app.app_context():
        load_reference()
        db.session.commit()
    html = client.get("/auth/register").get_data(as_text=True)
    assert html.count("<option") < 100  # prefectures and kinds, not ~1,900 municipalities
    assert "千代田区" not in html
    assert "個人（人材）として登録する方は入力不要です。" in html
    html = client.get("/auth/register?role=member").get_data(as_text=True)
    assert 'value="member" checked' in html or 'checked value="member"' in html or re.search(
        r'<input[^>]*checked[^>]*value="member"|<input[^>]*value="member"[^>]*checked', html)


def test_candidate_registers_verifies_by_emailed_link_and_logs_in(app, client, mailbox):
    response = _register(client)
    assert response.status_code == 200
    assert "hanako@example.jp 宛てに確認用のリンクを送りました" in response.get_data(as_text=True)

    (message,) = mailbox.to("hanako@example.jp")
    assert message["Subject"] == "メールアドレスの確認"
    # Unverified accounts cannot log in yet.
    assert login(client, "hanako@example.jp", "sunny-Kochi-2026").status_code == 403

    assert client.get(_link_in(message)).status_code == 200
    response = login(client, "hanako@example.jp", "sunny-Kochi-2026")
    assert response.status_code == 302
    assert response.headers["Location"] == "/candidates/"
    assert "マイページ" in client.get("/candidates/").get_data(as_text=True)


def test_member_registration_creates_an_unverified_organisation(app, client, mailbox):
    response = _register(
        client, email="tanto@example.jp", role="member", org_name="四万十町 企画課",
        org_kind="municipality", org_prefecture="39",
    )
    assert response.status_code == 200
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "tanto@example.jp"))
        assert user.role == Role.MEMBER
        assert user.organisation.name == "四万十町 企画課"
        assert user.organisation.verified is False


def test_member_registration_without_organisation_is_refused_in_japanese(client, mailbox):
    response = _register(client, role="member")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "団体名を入力してください。" in html
    assert "所在都道府県を選択してください。" in html
    assert mailbox.messages == []


def test_municipality_must_belong_to_the_chosen_prefecture(app, client, mailbox):
    from marketplace.seeding.reference import load_reference

    with app.app_context():
        load_reference()
        db.session.commit()
    # 131016 is 千代田区 (Tokyo), not in Kochi (39).
    response = _register(client, email="x@example.jp", role="member", org_name="町", org_kind="municipality",
                         org_prefecture="39", org_municipality="131016")
    assert response.status_code == 400
    assert "所在都道府県の市区町村を選択してください。" in response.get_data(as_text=True)


def test_weak_password_is_refused_with_reasons(client, mailbox):
    response = _register(client, password="password123", password_confirm="password123")
    assert response.status_code == 400
    assert "推測しやすいパスワードは使えません" in response.get_data(as_text=True)
    response = _register(client, password="short", password_confirm="short")
    assert "10文字以上" in response.get_data(as_text=True)


def test_mismatched_confirmation_is_refused(client, mailbox):
    response = _register(client, password_confirm="something-Else-77")
    assert response.status_code == 400
    assert "パスワードが一致しません。" in response.get_data(as_text=True)


def test_registering_a_taken_email_reveals_nothing_and_notifies_the_owner(app, client, mailbox, make_user):
    make_user(email="taken@example.jp")
    response = _register(client, email="taken@example.jp")
    assert response.status_code == 200
    assert "宛てに確認用のリンクを送りました" in response.get_data(as_text=True)
    (message,) = mailbox.to("taken@example.jp")
    assert message["Subject"] == "登録済みのメールアドレスです"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_forged_or_tampered_verification_link_is_refused(app, client, mailbox):
    _register(client)
    link = _link_in(mailbox.to("hanako@example.jp")[0])
    assert client.get(link[:-3] + "xyz").status_code == 400
    assert client.get("/auth/verify/not-a-token").status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(User)).email_verified_at is None


def test_email_as_usual_case_insensitive_and_trimmed(client, make_user):
    make_user(email="case@example.jp")
    assert login(client, "  CASE@Example.JP ", PASSWORD).status_code == 302


def test_wrong_password_and_unknown_user_get_identical_responses(client, make_user):
    make_user(email="known@example.jp")
    wrong = login(client, "known@example.jp", "wrong-Password-1")
    unknown = login(client, "nobody@example.jp", "wrong-Password-1")
    assert wrong.status_code == unknown.status_code == 401
    def normalised(response, local_part: str) -> str:
        # CSRF tokens carry a timestamp: two requests a second apart differ there and nowhere else.
        html = re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", response.get_data(as_text=True))
        return html.replace(f"{local_part}@", "X@")

    assert normalised(wrong, "known") == normalised(unknown, "nobody")


def test_logout_ends_the_session_and_a_replayed_cookie_is_refused(app, client, make_user, login_as):
    user_id = make_user()
    login_as(user_id)
    cookie = client.get_cookie("session").value
    assert client.get("/candidates/").status_code == 200
    assert client.post("/auth/logout").status_code == 302
    client.set_cookie("session", cookie)
    response = client.get("/candidates/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_password_reset_by_emailed_link_works_once(app, client, mailbox, make_user):
    make_user(email="forgetful@example.jp")
    response = client.post("/auth/password/forgot", data={"email": "forgetful@example.jp"})
    assert response.status_code == 200
    response.close()  # a WSGI server closes the answer once sent: the queued mail leaves then
    link = _link_in(mailbox.to("forgetful@example.jp")[0])
    assert link.startswith("/auth/password/reset/")
    response = client.post(link, data={"password": "new-Secret-pass-5", "password_confirm": "new-Secret-pass-5"})
    assert response.status_code == 302
    assert login(client, "forgetful@example.jp", PASSWORD).status_code == 401
    assert login(client, "forgetful@example.jp", "new-Secret-pass-5").status_code == 302
    # The same link no longer works once the password has changed.
    assert client.get(link).status_code == 400


def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same(client, mailbox, make_user):
    make_user(email="someone@example.jp")
    known = client.post("/auth/password/forgot", data={"email": "someone@example.jp"})
    unknown = client.post("/auth/password/forgot", data={"email": "nobody@example.jp"})
    assert known.get_data() == unknown.get_data()
    assert mailbox.to("nobody@example.jp") == []


def test_login_is_rate_limited(client, make_user):
    make_user(email="target@example.jp")
    statuses = [login(client, "target@example.jp", "wrong-Password-1").status_code for _ in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    assert "短時間に多くの操作がありました" in login(client, "target@example.jp", PASSWORD).get_data(as_text=True)


def test_reset_is_rate_limited(client):
    statuses = [client.post("/auth/password/forgot", data={"email": "a@example.jp"}).status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429


def test_next_parameter_only_allows_local_paths(client, make_user):
    make_user(email="next@example.jp")
    response = client.post("/auth/login?next=https://evil.example/", data={"email": "next@example.jp", "password": PASSWORD})
    assert response.headers["Location"] == "/candidates/"


def test_next_parameter_keeps_a_local_path(client, make_user):
    make_user(email="next2@example.jp")
    response = client.post("/auth/login?next=/candidates/", data={"email": "next2@example.jp", "password": PASSWORD})
    assert response.headers["Location"] == "/candidates/"
