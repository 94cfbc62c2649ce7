"""Unsubscribe links that work without logging in, and the settings page."""
from __future__ import annotations

import re

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import DeliveryMode, OutboxMessage, OutboxStatus, User
from marketplace.scheduler import jobs
from marketplace.digests import notifications
from marketplace.digests import DAILY
from marketplace.digests.outbox import send_pending
from tests.digests.conftest import add_match, add_posting, jst, profile_of


def _link(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    (url,) = re.findall(r"http://localhost(/settings/unsubscribe/\S+)", text)
    return url


def test_the_unsubscribe_link_works_without_login_and_stops_further_digests(app, client, kochi, mailbox):
    with app.app_context():
        profile = profile_of(kochi["candidate"])
        add_match(add_posting(kochi["org"], title="初日の募集"), profile, jst(-1, 12))
        jobs.daily_digests(jst(0, 8, 0))
    (message,) = mailbox.to("cand@example.jp")
    link = _link(message)
    assert message["List-Unsubscribe"] == f"<http://localhost{link}>"

    confirm = client.get(link)  # nobody is logged in
    assert confirm.status_code == 200
    page = confirm.get_data(as_text=True)
    assert "配信を停止する" in page and 'method="post"' in page
    with app.app_context():  # looking is not unsubscribing (link scanners only GET)
        assert notifications.mode_for(db.session.get(User, kochi["candidate"]), "accelerator") == DeliveryMode.DAILY

    done = client.post(link)
    assert done.status_code == 200 and "配信を停止しました" in done.get_data(as_text=True)
    with app.app_context():
        add_match(add_posting(kochi["org"], title="翌日の募集"), profile, jst(0, 12))
        jobs.daily_digests(jst(1, 8, 0))
        jobs.weekly_digests(jst(7, 8, 0))
        user = db.session.get(User, kochi["candidate"])
        assert set(notifications.modes_for(user).values()) <= {DeliveryMode.OFF, DeliveryMode.IMMEDIATE}
    assert len(mailbox.to("cand@example.jp")) == 1
    assert len(mailbox.to("member@example.jp")) == 2  # others still get theirs


def test_unsubscribing_cancels_a_digest_that_has_not_left_yet(app, kochi, controlled_smtp, client):
    app.config["MAIL_PORT"] = controlled_smtp.port  # the server is down: the digest waits in the outbox
    with app.app_context():
        add_match(add_posting(kochi["org"]), profile_of(kochi["candidate"]), jst(-1, 12))
        jobs.run_digests(DAILY, jst(0, 8, 0))
        user = db.session.get(User, kochi["candidate"])
        token = notifications.unsubscribe_token(user, notifications.DIGESTS_SCOPE)
    assert client.post(f"/settings/unsubscribe/{token}").status_code == 200
    controlled_smtp.start()
    with app.app_context():
        send_pending(jst(0, 9, 0))
        statuses = dict(db.session.execute(sa.select(OutboxMessage.to_address, OutboxMessage.status)).all())
        assert statuses["cand@example.jp"] == OutboxStatus.CANCELLED
        assert statuses["member@example.jp"] == OutboxStatus.SENT
    assert controlled_smtp.handler.to("cand@example.jp") == []


def test_a_forged_or_foreign_token_changes_nothing(app, client, kochi):
    with app.app_context():
        user = db.session.get(User, kochi["candidate"])
        good = notifications.unsubscribe_token(user, notifications.DIGESTS_SCOPE)
        from marketplace.core import tokens

        other_purpose = tokens.make_token(tokens.EMAIL_VERIFY, {"uid": user.id, "scope": "digests"})
        bad_scope = tokens.make_token(notifications.UNSUBSCRIBE, {"uid": user.id, "scope": "kind:nonsense"})
    for token in (good[:-3] + "AAA", other_purpose, bad_scope, "not-a-token"):
        for method in (client.get, client.post):
            response = method(f"/settings/unsubscribe/{token}")
            assert response.status_code == 400 and "リンクが無効です" in response.get_data(as_text=True)
    with app.app_context():
        assert notifications.mode_for(db.session.get(User, kochi["candidate"]), "accelerator") == DeliveryMode.DAILY


def test_a_notice_link_stops_that_kind_only(app, client, kochi, mailbox):
    with app.app_context():
        user = db.session.get(User, kochi["member"])
        notifications.notify(user, "message", subject="新しいメッセージが届きました", text="本文", key="m:1",
                             now=jst(0, 10))
        db.session.commit()
        send_pending(jst(0, 10, 1))
    (message,) = mailbox.to("member@example.jp")
    assert client.post(_link(message)).status_code == 200
    with app.app_context():
        modes = notifications.modes_for(db.session.get(User, kochi["member"]))
        assert modes["message"] == DeliveryMode.OFF
        assert modes["introduction"] == DeliveryMode.IMMEDIATE and modes["accelerator"] == DeliveryMode.DAILY


def test_the_settings_page_stores_a_mode_per_scheme_and_per_kind(app, client, kochi, login_as):
    assert client.get("/settings/notifications").status_code == 302  # login first
    login_as(kochi["candidate"])
    page = client.get("/settings/notifications")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "自治体DXアクセラレータ" in html and "事業承継" in html and "メッセージ" in html
    form = {f"topic_{topic}": "daily" for topic in notifications.all_topics()}
    form.update(topic_accelerator="weekly", topic_succession="off", topic_side_job="immediate", topic_message="daily")
    response = client.post("/settings/notifications", data=form)
    assert response.status_code == 302
    with app.app_context():
        modes = notifications.modes_for(db.session.get(User, kochi["candidate"]))
        assert (modes["accelerator"], modes["succession"], modes["side_job"], modes["message"]) == (
            DeliveryMode.WEEKLY, DeliveryMode.OFF, DeliveryMode.IMMEDIATE, DeliveryMode.DAILY)
    refused = client.post("/settings/notifications", data={**form, "topic_accelerator": "hourly"})
    assert refused.status_code == 400
    with app.app_context():
        assert notifications.mode_for(db.session.get(User, kochi["candidate"]), "accelerator") == DeliveryMode.WEEKLY


def test_immediate_scheme_readers_get_new_items_within_minutes(app, kochi, mailbox):
    with app.app_context():
        notifications.set_modes(db.session.get(User, kochi["candidate"]), {"accelerator": DeliveryMode.IMMEDIATE})
        db.session.commit()
        profile = profile_of(kochi["candidate"])
        jobs.tick(jst(0, 10, 0))
        add_match(add_posting(kochi["org"], title="すぐ知らせる募集"), profile, jst(0, 10, 3))
        jobs.tick(jst(0, 10, 5))  # same 10-minute slot as 10:00: already built, nothing yet
        jobs.tick(jst(0, 10, 10))
        jobs.tick(jst(0, 10, 11))
    (message,) = mailbox.to("cand@example.jp")
    assert "すぐ知らせる募集" in message.get_body(preferencelist=("plain",)).get_content()
    assert message["Subject"] == "【地域人材マッチング】新着のお知らせ"


def test_a_user_changes_only_their_own_settings(app, client, kochi, login_as):
    login_as(kochi["member"])
    client.post("/settings/notifications", data={f"topic_{t}": "off" for t in notifications.all_topics()})
    with app.app_context():
        assert notifications.mode_for(db.session.get(User, kochi["candidate"]), "accelerator") == DeliveryMode.DAILY
        assert notifications.mode_for(db.session.get(User, kochi["member"]), "accelerator") == DeliveryMode.OFF
