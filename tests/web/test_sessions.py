"""Several devices per person (issue 16, item 10): each sign-in is its own session row.

Two browsers stay signed in at once; a person sees them on /auth/sessions and signs one or all the
others out; a password change or reset ends the others; copies of an ended session's cookie fail.
"""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import User, UserSession, utcnow
from marketplace.profiles import operations as profiles
from marketplace.accounts.sessions import approximate_place, summarise_user_agent
from tests.conftest import PASSWORD, login

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")
HOME = "/candidates/"


def _device(app, email: str, agent: str = FIREFOX, address: str = "127.0.0.1"):
    client = app.test_client()
    client.environ_base.update({"HTTP_USER_AGENT": agent, "REMOTE_ADDR": address})
    assert login(client, email).status_code == 302
    assert client.get(HOME).status_code == 200
    return client


def _signed_in(client) -> bool:
    response = client.get(HOME)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/auth/login")
        return False
    assert response.status_code == 200
    return True


def _rows(app, user_id: int) -> list[UserSession]:
    with app.app_context():
        return list(db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user_id)
                                       .order_by(UserSession.id)))


def _session_ids(page: str) -> list[int]:
    return [int(v) for v in re.findall(r"/auth/sessions/sign-out\?session=(\d+)", page)]


def test_two_devices_stay_signed_in_and_the_page_lists_both(app, make_user):
    user_id = make_user(email="two@example.jp")
    laptop = _device(app, "two@example.jp", FIREFOX)
    phone = _device(app, "two@example.jp", IPHONE)
    assert _signed_in(laptop) and _signed_in(phone)
    rows = _rows(app, user_id)
    assert len(rows) == 2 and all(r.revoked_at is None for r in rows)
    assert {r.user_agent for r in rows} == {"Firefox / Windows", "Safari / iPhone"}
    assert {r.place for r in rows} == {"local"}

    page = laptop.get("/auth/sessions").get_data(as_text=True)
    assert "Firefox / Windows" in page and "Safari / iPhone" in page
    assert page.count("この端末</strong>") == 1  # the laptop's own row
    assert "ローカル" in page
    # Only the other device offers "sign out this one"; this device offers the ordinary logout.
    assert _session_ids(page) == [r.id for r in rows if r.user_agent == "Safari / iPhone"]
    assert "ほかの端末をすべてログアウトさせる" in page
    assert 'href="/auth/sessions"' in laptop.get("/auth/security").get_data(as_text=True)


def test_signing_out_one_device_ends_only_that_one_and_its_cookie_replayed_fails(app, make_user):
    user_id = make_user(email="revoke@example.jp")
    laptop = _device(app, "revoke@example.jp", FIREFOX)
    phone = _device(app, "revoke@example.jp", IPHONE)
    stolen = phone.get_cookie("session").value
    phone_row = next(r for r in _rows(app, user_id) if r.user_agent == "Safari / iPhone")

    confirm = laptop.get(f"/auth/sessions/sign-out?session={phone_row.id}")
    assert confirm.status_code == 200
    text = confirm.get_data(as_text=True)
    assert "Safari / iPhone" in text and 'name="session_id"' in text and f'value="{phone_row.id}"' in text
    assert _signed_in(phone)  # asking is not doing

    response = laptop.post("/auth/sessions/sign-out", data={"session_id": str(phone_row.id)})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/sessions"
    assert not _signed_in(phone)
    assert _signed_in(laptop)
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert not _signed_in(replay)
    assert next(r for r in _rows(app, user_id) if r.id == phone_row.id).revoked_at is not None
    # Ended sessions leave the list.
    assert "Safari / iPhone" not in laptop.get("/auth/sessions").get_data(as_text=True)


def test_signing_out_all_others_keeps_this_device(app, make_user):
    user_id = make_user(email="others@example.jp")
    here = _device(app, "others@example.jp", FIREFOX)
    others = [_device(app, "others@example.jp", IPHONE) for _ in range(3)]
    confirm = here.get("/auth/sessions/sign-out-others")
    assert confirm.status_code == 200 and "3台" in confirm.get_data(as_text=True)
    assert all(_signed_in(c) for c in others)
    response = here.post("/auth/sessions/sign-out-others")
    assert response.status_code == 302
    assert "3台" in here.get("/auth/sessions").get_data(as_text=True)  # the flash message
    assert _signed_in(here)
    assert not any(_signed_in(c) for c in others)
    assert sum(1 for r in _rows(app, user_id) if r.revoked_at is None) == 1


def test_logout_ends_this_device_only_and_its_cookie_replayed_fails(app, make_user):
    make_user(email="logout@example.jp")
    laptop = _device(app, "logout@example.jp")
    phone = _device(app, "logout@example.jp", IPHONE)
    cookie = laptop.get_cookie("session").value
    assert laptop.post("/auth/logout").status_code == 302
    assert not _signed_in(laptop)
    assert _signed_in(phone)
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert not _signed_in(replay)


def test_signing_out_the_current_device_from_the_list_is_a_logout(app, make_user):
    user_id = make_user(email="self@example.jp")
    laptop = _device(app, "self@example.jp")
    row = _rows(app, user_id)[0]
    response = laptop.post("/auth/sessions/sign-out", data={"session_id": str(row.id)})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert not _signed_in(laptop)


def test_another_persons_session_cannot_be_seen_or_ended(app, make_user):
    victim_id = make_user(email="victim@example.jp")
    make_user(email="attacker@example.jp")
    victim = _device(app, "victim@example.jp")
    attacker = _device(app, "attacker@example.jp")
    victim_row = _rows(app, victim_id)[0]
    assert attacker.get(f"/auth/sessions/sign-out?session={victim_row.id}").status_code == 404
    assert attacker.post("/auth/sessions/sign-out", data={"session_id": str(victim_row.id)}).status_code == 404
    for bad in ("abc", "-1", "99999999999999999999", "0"):
        assert attacker.get(f"/auth/sessions/sign-out?session={bad}").status_code == 404, bad
        assert attacker.post("/auth/sessions/sign-out", data={"session_id": bad}).status_code == 404, bad
    attacker.post("/auth/sessions/sign-out-others")
    assert _signed_in(victim)
    assert "victim" not in attacker.get("/auth/sessions").get_data(as_text=True)


def test_password_change_ends_the_other_devices_and_keeps_this_one(app, make_user):
    user_id = make_user(email="pw@example.jp")
    here = _device(app, "pw@example.jp")
    phone = _device(app, "pw@example.jp", IPHONE)
    response = here.post("/auth/security/password", data={
        "current_password": PASSWORD, "password": "brand-New-pass-77", "password_confirm": "brand-New-pass-77"})
    assert response.status_code == 302
    assert _signed_in(here) and not _signed_in(phone)
    assert sum(1 for r in _rows(app, user_id) if r.revoked_at is None) == 1


def test_password_reset_ends_every_device(app, client, make_user, mailbox):
    user_id = make_user(email="reset@example.jp")
    laptop = _device(app, "reset@example.jp")
    phone = _device(app, "reset@example.jp", IPHONE)
    client.post("/auth/password/forgot", data={"email": "reset@example.jp"}).close()  # a WSGI server closes the answer once sent: the queued mail leaves then
    link = re.search(r"http://localhost(/auth/password/reset/\S+)", mailbox.to("reset@example.jp")[-1].get_content())
    response = client.post(link.group(1), data={"password": "brand-New-pass-77", "password_confirm": "brand-New-pass-77"})
    assert response.status_code == 302
    assert not _signed_in(laptop) and not _signed_in(phone)
    assert all(r.revoked_at is not None for r in _rows(app, user_id))


def test_last_seen_is_written_at_most_once_a_minute(app, make_user):
    user_id = make_user(email="seen@example.jp")
    laptop = _device(app, "seen@example.jp")
    long_ago = utcnow() - timedelta(minutes=5)
    with app.app_context():
        db.session.execute(sa.update(UserSession).where(UserSession.user_id == user_id).values(last_seen_at=long_ago))
        db.session.commit()
    assert _signed_in(laptop)
    first = _rows(app, user_id)[0].last_seen_at
    assert first > long_ago + timedelta(minutes=4)
    with app.app_context():  # a little in the past, still within the minute: not written again
        almost_now = first - timedelta(seconds=30)
        db.session.execute(sa.update(UserSession).where(UserSession.user_id == user_id).values(last_seen_at=almost_now))
        db.session.commit()
    assert _signed_in(laptop)
    assert _rows(app, user_id)[0].last_seen_at == almost_now


def test_only_the_network_is_kept_and_shown_never_the_address(app, make_user):
    user_id = make_user(email="place@example.jp")
    laptop = _device(app, "place@example.jp", address="203.0.113.77")
    _device(app, "place@example.jp", IPHONE, address="2001:db8:abcd:12::1")
    assert {r.place for r in _rows(app, user_id)} == {"203.0.113.0/24", "2001:db8:abcd::/48"}
    page = laptop.get("/auth/sessions").get_data(as_text=True)
    assert "203.0.113.0/24" in page and "203.0.113.77" not in page and "2001:db8:abcd:12::1" not in page
    with app.app_context():  # no column of any row holds the address or the whole User-Agent
        dumped = " ".join(str(v) for r in db.session.execute(sa.select(UserSession)).all() for v in r[0].__dict__.values())
    assert "203.0.113.77" not in dumped and "Gecko/20100101" not in dumped


def test_deleting_the_account_removes_its_sessions(app, make_user):
    user_id = make_user(email="gone@example.jp")
    _device(app, "gone@example.jp")
    _device(app, "gone@example.jp", IPHONE)
    with app.app_context():
        user = db.session.get(User, user_id)
        profiles.delete_account(user, user)
        db.session.commit()
    assert _rows(app, user_id) == []


def test_the_sessions_page_in_english(app, make_user):
    make_user(email="en@example.jp", locale="en")
    laptop = _device(app, "en@example.jp")
    laptop.post("/language", data={"language": "en"})
    page = laptop.get("/auth/sessions").get_data(as_text=True)
    assert "Signed-in devices" in page and "This device" in page and "this computer" in page


def test_user_agent_and_address_summaries():
    assert summarise_user_agent(FIREFOX) == "Firefox / Windows"
    assert summarise_user_agent(IPHONE) == "Safari / iPhone"
    assert summarise_user_agent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
                                "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0") == "Edge / macOS"
    assert summarise_user_agent("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131 Mobile Safari/537.36") \
        == "Chrome / Android"
    assert summarise_user_agent("curl/8.5.0") == "curl"
    assert summarise_user_agent(None) == "" and summarise_user_agent("<script>") == ""
    assert approximate_place("127.0.0.1") == "local" and approximate_place("::1") == "local"
    assert approximate_place("192.168.1.23") == "192.168.1.0/24"
    assert approximate_place("::ffff:198.51.100.9") == "198.51.100.0/24"
    assert approximate_place("not an address") == "" and approximate_place(None) == ""
