"""Create forms carry a one-time key: a retried POST answers with the first result and creates no second row."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.core import idempotency
from marketplace.extensions import db
from marketplace.models import (
    DataRequest,
    IdempotencyKey,
    MatchEvent,
    MatchMessage,
    Organisation,
    Posting,
    Role,
    SavedSearch,
    User,
    utcnow,
)
from marketplace.scheduler import jobs
from tests.pipeline.test_introductions import _approve, _respond
from tests.web.test_postings import ACCELERATOR_POSITION

KEY_FIELD = re.compile(r'<input type="hidden" name="idempotency_key" value="([A-Za-z0-9_-]{32})">')
NEW_POSITION = "/organisations/postings/new/accelerator/position"


def _key_on(client, path: str) -> str:
    keys = KEY_FIELD.findall(client.get(path).get_data(as_text=True))
    assert keys, f"no one-time key on {path}"
    return keys[0]


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_a_retried_new_posting_returns_the_first_posting(app, client, login_as, world):
    login_as(world.member)
    key = _key_on(client, NEW_POSITION)
    data = dict(ACCELERATOR_POSITION, idempotency_key=key)
    before = _count(app, Posting)
    first = client.post(NEW_POSITION, data=data)
    assert first.status_code == 302
    second = client.post(NEW_POSITION, data=data)
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(app, Posting) == before + 1
    with app.app_context():
        posting_id = db.session.scalar(sa.select(sa.func.max(Posting.id)))
    assert first.headers["Location"].endswith(f"/postings/{posting_id}")
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "最初に送信したときの結果" in page
    # A fresh key (a new form) creates a second posting: the key, not the content, decides.
    assert client.post(NEW_POSITION, data=dict(data, idempotency_key=_key_on(client, NEW_POSITION))).status_code == 302
    assert _count(app, Posting) == before + 2
    # Without a key (an old page, a script) the form works as before.
    assert client.post(NEW_POSITION, data=ACCELERATOR_POSITION).status_code == 302
    assert _count(app, Posting) == before + 3


def test_the_key_belongs_to_its_person(app, client, login_as, world, make_org, make_user):
    login_as(world.member)
    data = dict(ACCELERATOR_POSITION, idempotency_key=_key_on(client, NEW_POSITION))
    assert client.post(NEW_POSITION, data=data).status_code == 302
    client.post("/auth/logout")
    with app.app_context():
        member = db.session.get(User, world.member)
        org_id = member.organisation_id
    other = make_user(Role.MEMBER, org_id=org_id)
    login_as(other)
    response = client.post(NEW_POSITION, data=data)  # someone else's key is just a new key for this person
    assert response.status_code == 302
    assert _count(app, Posting, Posting.organisation_id == org_id) >= 2
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotencyKey)
                                 .where(IdempotencyKey.key == data["idempotency_key"])) == 2


@pytest.mark.parametrize("bad", ["short", "x" * 65, "鍵" * 20, "a b" * 10, "../../etc/passwd00000"])
def test_a_malformed_key_is_refused_in_the_users_language(client, login_as, world, bad):
    login_as(world.member)
    response = client.post(NEW_POSITION, data=dict(ACCELERATOR_POSITION, idempotency_key=bad))
    assert response.status_code == 400
    assert "送信キーが正しくありません" in response.get_data(as_text=True)


def test_a_concurrent_duplicate_is_refused_by_the_constraint_and_rolled_back(app, client, login_as, world,
                                                                           monkeypatch):
    """Two submissions racing: both pass the look-up, the second's commit hits the unique key."""
    login_as(world.member)
    data = dict(ACCELERATOR_POSITION, idempotency_key=_key_on(client, NEW_POSITION))
    first = client.post(NEW_POSITION, data=data)
    before = _count(app, Posting)
    real_lookup, calls = idempotency._lookup, []

    def racing_lookup(key: str) -> str | None:
        calls.append(key)
        return None if len(calls) == 1 else real_lookup(key)  # the first look-up ran before the other commit

    monkeypatch.setattr(idempotency, "_lookup", racing_lookup)
    second = client.post(NEW_POSITION, data=data)
    assert second.status_code == 303 and second.headers["Location"] == first.headers["Location"]
    assert len(calls) == 2  # the commit was refused, then the first result was looked up
    assert _count(app, Posting) == before


def test_saved_searches_organisations_corrections_messages_and_notes(app, client, login_as, world, make_match,
                                                                   make_user):
    # Saved search (from the postings list's save form).
    login_as(world.candidate)
    key = _key_on(client, "/postings")
    data = {"name": "高知のDX", "target": "postings", "prefecture": "39", "idempotency_key": key}
    first, second = client.post("/searches", data=data), client.post("/searches", data=data)
    assert first.status_code == 302 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    with app.app_context():
        saved = db.session.scalars(sa.select(SavedSearch).where(SavedSearch.user_id == world.candidate)).all()
        assert len(saved) == 1 and "idempotency_key" not in saved[0].params

    # Correction request.
    key = _key_on(client, "/candidates/privacy")
    data = {"note": "生年が間違っています", "idempotency_key": key}
    first, second = client.post("/candidates/privacy/correction", data=data), \
        client.post("/candidates/privacy/correction", data=data)
    assert first.status_code == 302 and second.status_code == 303
    assert _count(app, DataRequest, DataRequest.user_id == world.candidate, DataRequest.kind == "correction") == 1
    client.post("/auth/logout")

    # Messages of an introduced match, and a coordinator's note.
    match_id = make_match()
    _approve(client, login_as, world, match_id)
    _respond(client, login_as, world.candidate, match_id, accept="1")
    _respond(client, login_as, world.member, match_id, accept="1")
    login_as(world.candidate)
    key = _key_on(client, f"/matches/{match_id}")
    data = {"body": "はじめまして、山田です。", "idempotency_key": key}
    first, second = client.post(f"/matches/{match_id}/messages", data=data), \
        client.post(f"/matches/{match_id}/messages", data=data)
    assert first.status_code == 302 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(app, MatchMessage, MatchMessage.match_id == match_id) == 1
    client.post("/auth/logout")
    login_as(world.coordinator)
    notes_before = _count(app, MatchEvent, MatchEvent.match_id == match_id, MatchEvent.kind == "note")
    key = _key_on(client, f"/coordination/matches/{match_id}")
    data = {"note": "面談は県庁で行います", "idempotency_key": key}
    first, second = client.post(f"/coordination/matches/{match_id}/notes", data=data), \
        client.post(f"/coordination/matches/{match_id}/notes", data=data)
    assert first.status_code == 302 and second.status_code == 303
    assert _count(app, MatchEvent, MatchEvent.match_id == match_id, MatchEvent.kind == "note") == notes_before + 1
    client.post("/auth/logout")

    # An organisation added by an admin.
    login_as(make_user(Role.ADMIN))
    key = _key_on(client, "/admin/organisations/new")
    data = {"name": "鳥取県 デジタル局", "kind": "prefecture", "prefecture_code": "31", "municipality_code": "",
            "idempotency_key": key}
    first, second = client.post("/admin/organisations/new", data=data), \
        client.post("/admin/organisations/new", data=data)
    assert first.status_code == 302 and second.status_code == 303
    assert _count(app, Organisation, Organisation.name == "鳥取県 デジタル局") == 1
    with app.app_context():
        org_id = db.session.scalar(sa.select(Organisation.id).where(Organisation.name == "鳥取県 デジタル局"))
    assert second.headers["Location"].endswith(f"/admin/organisations/{org_id}")
    # Editing an existing organisation carries no key.
    assert not KEY_FIELD.search(client.get(f"/admin/organisations/{org_id}").get_data(as_text=True))


def test_housekeeping_forgets_old_keys(app, client, login_as, world):
    login_as(world.member)
    data = dict(ACCELERATOR_POSITION, idempotency_key=_key_on(client, NEW_POSITION))
    assert client.post(NEW_POSITION, data=data).status_code == 302
    with app.app_context():
        fresh = IdempotencyKey(user_id=world.member, key="k" * 32, result_url="/", created_at=utcnow())
        db.session.add(fresh)
        old = db.session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.key == data["idempotency_key"]))
        old.created_at = utcnow() - idempotency.KEEP_KEYS - timedelta(minutes=1)
        db.session.commit()
        jobs.close_expired_postings(utcnow())
        assert db.session.scalars(sa.select(IdempotencyKey.key)).all() == ["k" * 32]
    # The forgotten key now counts as new.
    assert client.post(NEW_POSITION, data=data).status_code == 302
