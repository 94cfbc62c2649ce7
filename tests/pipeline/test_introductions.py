"""Review → introduction with consent → contacts revealed only when both accepted."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import ConsentRecord, Match, MatchStatus, Posting, User
from marketplace.matches import operations as pipeline


def _approve(client, login_as, world, match_id):
    login_as(world.coordinator)
    response = client.post(f"/coordination/matches/{match_id}/review", data={"approve": "1", "note": "良さそう"})
    assert response.status_code == 302
    client.post("/auth/logout")


def _respond(client, login_as, user_id, match_id, **data):
    login_as(user_id)
    response = client.post(f"/matches/{match_id}/respond", data=data)
    client.post("/auth/logout")
    return response


def test_contacts_appear_only_once_both_sides_accepted(app, client, login_as, world, make_match, mailbox):
    match_id = make_match()
    _approve(client, login_as, world, match_id)
    # Both sides are asked, each in a message of their own, with no other person's address in it.
    to_candidate, to_member = mailbox.to(world.candidate_email), mailbox.to(world.member_email)
    assert len(to_candidate) == 1 and len(to_member) == 1
    assert "紹介" in to_candidate[0]["Subject"]
    for message in to_candidate + to_member:
        body = message.get_body(("plain",)).get_content()
        assert "pref@example.jp" not in body and "cand@example.jp" not in body and "090-1111-2222" not in body
        assert f"/matches/{match_id}" in body

    login_as(world.member)
    page = client.get(f"/matches/{match_id}").get_data(as_text=True)
    assert "cand@example.jp" not in page and "山田 花子" not in page and "090-1111-2222" not in page
    client.post("/auth/logout")

    assert _respond(client, login_as, world.candidate, match_id, accept="1").status_code == 302
    login_as(world.member)
    page = client.get(f"/matches/{match_id}").get_data(as_text=True)
    assert "cand@example.jp" not in page, "one acceptance is not enough"
    client.post("/matches/%d/respond" % match_id, data={"accept": "1"})
    page = client.get(f"/matches/{match_id}").get_data(as_text=True)
    assert "cand@example.jp" in page and "090-1111-2222" in page and "山田 花子" in page
    client.post("/auth/logout")

    login_as(world.candidate)
    page = client.get(f"/matches/{match_id}").get_data(as_text=True)
    assert "pref@example.jp" in page and "高知県" in page
    with app.app_context():
        match = db.session.get(Match, match_id)
        assert match.status == MatchStatus.INTRODUCED and match.introduced_at is not None
        kinds = [(e.kind, e.to_status) for e in match.events]
        assert ("transition", "approved") in kinds and ("transition", "introduced") in kinds
        records = db.session.scalars(sa.select(ConsentRecord).where(ConsentRecord.kind == "introduction")).all()
        assert {r.value for r in records} == {f"match:{match_id}:accepted"} and len(records) == 2


def test_a_decline_closes_the_match_and_reveals_nothing(app, client, login_as, world, make_match, mailbox):
    match_id = make_match()
    _approve(client, login_as, world, match_id)
    _respond(client, login_as, world.candidate, match_id, decline="1")
    assert _respond(client, login_as, world.member, match_id, accept="1").status_code == 409
    with app.app_context():
        match = db.session.get(Match, match_id)
        assert match.status == MatchStatus.CLOSED and match.outcome == "declined"
        assert match.introduced_at is None
    login_as(world.member)
    assert "cand@example.jp" not in client.get(f"/matches/{match_id}").get_data(as_text=True)


def test_succession_firm_identity_needs_the_confidentiality_agreement(app, client, login_as, world, make_match,
                                                                      mailbox):
    match_id = make_match(world.case, scheme="succession")
    _approve(client, login_as, world, match_id)
    login_as(world.candidate)
    assert "土佐酒造" not in client.get(f"/matches/{match_id}").get_data(as_text=True)
    refused = client.post(f"/matches/{match_id}/respond", data={"accept": "1"})
    assert refused.status_code == 400 and "秘密保持" in refused.get_data(as_text=True)
    assert client.post(f"/matches/{match_id}/respond", data={"accept": "1", "nda": "y"}).status_code == 302
    assert "土佐酒造" not in client.get(f"/matches/{match_id}").get_data(as_text=True)
    assert "土佐酒造" not in client.get(f"/postings/{world.case}").get_data(as_text=True)
    client.post("/auth/logout")
    _respond(client, login_as, world.firm_member, match_id, accept="1")
    login_as(world.candidate)
    page = client.get(f"/matches/{match_id}").get_data(as_text=True)
    assert "土佐酒造株式会社" in page and "土佐酒造株式会社 本店" in page
    assert "土佐酒造株式会社" in client.get(f"/postings/{world.case}").get_data(as_text=True)
    with app.app_context():
        match = db.session.get(Match, match_id)
        assert match.nda_version == pipeline.NDA_VERSION and match.nda_accepted_at is not None
        assert db.session.scalar(sa.select(ConsentRecord).where(ConsentRecord.kind == "succession_nda")) is not None


def test_people_outside_the_match_get_404_and_other_areas_403(client, login_as, world, make_match, mailbox):
    match_id = make_match()
    _approve(client, login_as, world, match_id)
    login_as(world.outsider)
    assert client.get(f"/matches/{match_id}").status_code == 404
    assert client.post(f"/matches/{match_id}/respond", data={"accept": "1"}).status_code == 404
    client.post("/auth/logout")
    login_as(world.firm_member)
    assert client.get(f"/matches/{match_id}").status_code == 404
    client.post("/auth/logout")
    login_as(world.other_coordinator)
    assert client.get(f"/coordination/matches/{match_id}").status_code == 403
    assert client.post(f"/coordination/matches/{match_id}/advance", data={"target": "in_talks"}).status_code == 403
    assert "DX推進計画" not in client.get("/coordination/matches").get_data(as_text=True)


def test_participants_do_not_see_suggestions_under_review(client, login_as, world, make_match):
    match_id = make_match()
    login_as(world.candidate)
    assert client.get(f"/matches/{match_id}").status_code == 404
    assert "DX推進計画" not in client.get("/matches/").get_data(as_text=True)


def test_messages_open_after_introduction_and_notify_without_addresses(app, client, login_as, world, make_match,
                                                                      mailbox):
    match_id = make_match()
    _approve(client, login_as, world, match_id)
    login_as(world.candidate)
    assert client.post(f"/matches/{match_id}/messages", data={"body": "はじめまして"}).status_code == 403
    client.post(f"/matches/{match_id}/respond", data={"accept": "1"})
    client.post("/auth/logout")
    _respond(client, login_as, world.member, match_id, accept="1")
    mailbox.clear()
    login_as(world.candidate)
    assert client.post(f"/matches/{match_id}/messages", data={"body": "  "}).status_code == 400
    assert client.post(f"/matches/{match_id}/messages", data={"body": "はじめまして、山田です。"}).status_code == 302
    assert len(mailbox.to(world.member_email)) == 1
    coordinator_mail = [m for m in mailbox.messages if m["To"] not in (world.member_email,)]
    assert coordinator_mail, "the coordinator of the area hears of it too"
    for message in mailbox.messages:
        assert "cand@example.jp" not in message.get_body(("plain",)).get_content()
    client.post("/auth/logout")
    login_as(world.member)
    assert "はじめまして、山田です。" in client.get(f"/matches/{match_id}").get_data(as_text=True)


def test_internal_notes_stay_internal(app, client, login_as, world, make_match, mailbox):
    match_id = make_match()
    login_as(world.coordinator)
    client.post(f"/coordination/matches/{match_id}/review", data={"approve": "1", "note": "経歴が気になる"})
    client.post(f"/coordination/matches/{match_id}/notes", data={"note": "年収の希望が高め", "internal": "y"})
    client.post(f"/coordination/matches/{match_id}/notes", data={"note": "面談は県庁で行います"})
    coordinator_page = client.get(f"/coordination/matches/{match_id}").get_data(as_text=True)
    assert "年収の希望が高め" in coordinator_page and "面談は県庁で行います" in coordinator_page
    client.post("/auth/logout")
    login_as(world.candidate)
    page = client.get(f"/matches/{match_id}").get_data(as_text=True)
    assert "面談は県庁で行います" in page
    assert "年収の希望が高め" not in page and "経歴が気になる" not in page


def test_waiting_introductions_are_announced_on_the_site(client, login_as, world, make_match, mailbox):
    match_id = make_match()
    _approve(client, login_as, world, match_id)
    login_as(world.candidate)
    page = client.get("/candidates/").get_data(as_text=True)
    assert "回答が必要な紹介が1件あります" in page and f"/matches/{match_id}" in page
    client.post(f"/matches/{match_id}/respond", data={"accept": "1"})
    assert "回答が必要な紹介" not in client.get("/candidates/").get_data(as_text=True)
    client.post("/auth/logout")
    login_as(world.member)
    assert "回答が必要な紹介が1件あります" in client.get("/organisations/").get_data(as_text=True)
