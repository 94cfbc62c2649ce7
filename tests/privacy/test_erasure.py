"""Erasure (APPI): deleting an account leaves no row that holds the person's address or name.

A demo candidate is given data in every place the site can keep it (profile, matches at every
stage with messages and debriefs, outbox mail, held notices, API token, devices, saved search,
invitation, a bounce, audit events, the matching change log), deletes her account in the browser,
and then every text and JSON column of every table is read back and searched. On SQLite the
database is a file, as with ``make run``: WAL must be on, ``PRAGMA foreign_key_check`` empty, and
every table SQLite holds (the search index's FTS5 tables too, every column type) free of her address.
"""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    Base,
    BouncedAddress,
    CandidateProfile,
    Match,
    MatchMessage,
    MatchStatus,
    OutboxMessage,
    OutboxStatus,
    Posting,
    Role,
    SavedSearch,
    User,
)
from marketplace.models.invitations import Invitation
from marketplace.accounts import api_tokens
from marketplace.digests import notifications
from marketplace.suggestions import bridge as suggestions
from marketplace.seeding.demo import load_demo
from marketplace.seeding.demo_pipeline import advance_demo_matches
from marketplace.accounts.passwords import hash_password
from tests.conftest import PASSWORD, TEST_DATABASE_URL, login

MARK_NAME = "消去 確認子"
MARK_PHONE = "090-9876-0042"


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, (datetime, date, int, float, bool)):
        return ""
    return str(value)


def _rows_holding(needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, excerpt) of every stored value that contains one of ``needles``."""
    found = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns
                   if isinstance(c.type, (sa.String, sa.Text, sa.JSON, sa.Enum))]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            for column, value in zip(columns, row, strict=True):
                text = _as_text(value)
                for needle in needles:
                    if needle.lower() in text.lower():
                        found.append((table.name, column.name, text[:120]))
    return found


def _sqlite_tables_holding(needle: str) -> list[str]:
    """Every table in ``sqlite_master`` (not only the models') with a value of any type holding ``needle``."""
    found = []
    raw = db.engine.raw_connection()
    try:
        names = [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert "candidate_profiles_fts_data" in names, names  # the search index's shadow tables are read too
        for name in names:
            for row in raw.execute(f'SELECT * FROM "{name}"'):  # noqa: S608 - names from sqlite_master
                for value in row:
                    data = value if isinstance(value, bytes) else str(value).encode()
                    if needle.lower().encode() in data.lower():
                        found.append(name)
    finally:
        raw.close()
    return found


@pytest.fixture
def app_config(app_config, tmp_path):
    """On SQLite a database file, as ``make run`` uses (an in-memory database has no WAL)."""
    if TEST_DATABASE_URL:
        return app_config
    return {**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'erasure.sqlite'}"}


def _pick_candidate() -> tuple[User, Match]:
    """A demo candidate with an introduced (or later) match in the Kochi coordinator's area."""
    later = [MatchStatus.INTRODUCED, MatchStatus.IN_TALKS, MatchStatus.TRIAL, MatchStatus.AGREED]
    match = db.session.scalars(
        sa.select(Match).join(CandidateProfile, Match.candidate_profile_id == CandidateProfile.id)
        .join(Posting, Match.posting_id == Posting.id)
        .where(Match.status.in_(later), Posting.prefecture_code == "39")
        .order_by(Match.id)).first()
    assert match is not None, "the demo pipeline has an introduced match in Kochi"
    user = db.session.get(CandidateProfile, match.candidate_profile_id).user
    return user, match


def test_deleting_a_demo_candidate_leaves_no_row_holding_her_data(app, client, mailbox):
    with app.app_context():
        load_demo()
        suggestions.refresh_all()
        # Every candidate gets a name no other person has before the pipeline copies names into its
        # records (the introduction's disclosure records name their recipient), so that the scan can
        # also look for the name she had then, not only the one set below.
        for person in db.session.scalars(sa.select(User).where(User.role == Role.CANDIDATE)):
            person.display_name = f"{person.display_name} 人{person.id:05d}号"
        db.session.commit()
        advance_demo_matches()
        db.session.commit()
        user, match = _pick_candidate()
        match_id, email, user_id, former_name = match.id, user.email, user.id, user.display_name
        user.display_name = MARK_NAME
        user.password_hash = hash_password(PASSWORD)
        db.session.get(CandidateProfile, match.candidate_profile_id).phone = MARK_PHONE
        # Data everywhere: a message she wrote, mail queued and held for her, a token, a saved
        # search, the invitation she came through, a bounce of her address.
        db.session.add(MatchMessage(match_id=match_id, author_id=user_id,
                                    body=f"{MARK_NAME}です。電話は{MARK_PHONE}、メールは{email}まで。"))
        notifications.notify(user, "message", subject=f"{MARK_NAME}さんへ", text=f"{MARK_NAME}さん、新着です",
                             key="erasure-1")
        db.session.add(OutboxMessage(user_id=user_id, kind="digest", stream="weekly", period="2026-W49",
                                     to_address=email, subject=f"{MARK_NAME}さんのおすすめ",
                                     body_text=f"{MARK_NAME}さん", status=OutboxStatus.SENT))
        api_tokens.create_token(user, f"{MARK_NAME}のスクリプト")
        db.session.add(SavedSearch(user_id=user_id, name=f"{MARK_NAME}の検索", target="postings",
                                   params={"q": MARK_NAME}))
        db.session.add(Invitation(email=email, name=MARK_NAME, schemes=["accelerator"],
                                  message=f"{MARK_NAME}様", token_hash="e" * 64))
        db.session.add(BouncedAddress(address=email, code=550, reason=f"550 5.1.1 <{email}> unknown"))
        from marketplace.models import PasswordResetRequest
        from marketplace.accounts.operations import reset_address_digest

        digest = reset_address_digest(email)  # her reset requests, one made before she had an account
        db.session.add_all([PasswordResetRequest(address_digest=digest, user_id=user_id),
                            PasswordResetRequest(address_digest=digest, user_id=None)])
        db.session.commit()
        coordinator_email = "coordinator.kochi@example.jp"
        assert _rows_holding([email, MARK_NAME, MARK_PHONE, digest]), "the scan finds her before the deletion"
        assert _rows_holding([former_name]), "the pipeline's records name her"
        if db.engine.dialect.name == "sqlite":
            assert "users" in _sqlite_tables_holding(email)

    assert login(client, email).status_code == 302
    assert client.get("/candidates/").status_code == 200
    assert client.post("/candidates/delete", data={"confirm": "削除"}).status_code == 302

    with app.app_context():
        assert db.session.get(User, user_id) is None
        leftovers = _rows_holding([email, MARK_NAME, MARK_PHONE, former_name, digest])
        assert leftovers == [], leftovers
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(sa.text("PRAGMA foreign_key_check")).all() == []
            assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
            assert _sqlite_tables_holding(email) == []
        coordinator = db.session.scalar(sa.select(User).where(User.email == coordinator_email))
        coordinator_id = coordinator.id
        assert coordinator.role == Role.COORDINATOR

    # The coordinator who followed her match finds it gone: 404, not an error page.
    other = app.test_client()
    from tests.conftest import enrol_second_factor

    with app.app_context():
        coordinator = db.session.get(User, coordinator_id)
        secret = enrol_second_factor(coordinator)
        coordinator.password_hash = hash_password(PASSWORD)
        db.session.commit()
    import pyotp

    response = login(other, coordinator_email)
    if response.headers.get("Location", "").endswith("/auth/login/code"):
        response = other.post("/auth/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert other.get(f"/coordination/matches/{match_id}").status_code == 404
