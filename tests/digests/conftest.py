"""Fixtures of the digest tests: a fixed Japanese calendar, small worlds, a controllable SMTP server."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from marketplace import create_app
from marketplace.extensions import db
from marketplace.core.i18n import JST
from marketplace.models import Base, Match, OrgKind, Posting, PostingStatus, Role, User
from marketplace.profiles import operations as profiles
from marketplace.seeding.reference import load_prefectures
from tests.conftest import TEST_DATABASE_URL, _free_port, make_config

#: Monday 5 January 2026, 08:00 in Japan: a daily and a weekly slot at once.
MONDAY_8AM = datetime(2026, 1, 5, 8, 0, tzinfo=JST)


def jst(day_offset: int = 0, hour: int = 8, minute: int = 0) -> datetime:
    """A moment in the test week (Japan time), as an aware UTC datetime."""
    moment = MONDAY_8AM.replace(hour=hour, minute=minute) + timedelta(days=day_offset)
    return moment.astimezone(UTC)


# --- small worlds -----------------------------------------------------------------------
def add_posting(org_id: int, *, title: str = "DX推進計画の策定支援", scheme: str = "accelerator",
                status: PostingStatus = PostingStatus.PUBLISHED, prefecture: str = "39",
                published_at: datetime | None = None, updated_at: datetime | None = None) -> int:
    """A posting row (inside an app context)."""
    posting = Posting(organisation_id=org_id, scheme=scheme, posting_type="position", title=title,
                      description="市町村のDX推進計画の策定を支援します。", prefecture_code=prefecture, status=status,
                      published_at=published_at or jst(-30), created_at=jst(-30), updated_at=updated_at or jst(-30))
    db.session.add(posting)
    db.session.commit()
    return posting.id


def profile_of(user_id: int) -> int:
    profile = profiles.get_or_create_profile(db.session.get(User, user_id))
    db.session.commit()
    return profile.id


def add_match(posting_id: int, profile_id: int, created_at: datetime, *, score: float = 70.0,
              scheme: str = "accelerator") -> int:
    match = Match(scheme=scheme, posting_id=posting_id, seeker_ref=f"c{profile_id}", candidate_profile_id=profile_id,
                  score=score, created_at=created_at, updated_at=created_at)
    db.session.add(match)
    db.session.commit()
    return match.id


def backdate(*user_ids: int) -> None:
    """Accounts made long before the test week (a first digest looks back to the account's creation)."""
    for user_id in user_ids:
        db.session.get(User, user_id).created_at = jst(-60)
    db.session.commit()


@pytest.fixture
def kochi(app, make_org, make_user):
    """Kochi: a prefecture office with a member, a coordinator of its accelerator cell, one candidate."""
    org = make_org("高知県 デジタル政策課", OrgKind.PREFECTURE, "39")
    world = {
        "org": org,
        "member": make_user(Role.MEMBER, org_id=org, email="member@example.jp"),
        "coordinator": make_user(Role.COORDINATOR, area=(("accelerator",), ("39",)), email="coord@example.jp"),
        "candidate": make_user(Role.CANDIDATE, email="cand@example.jp"),
    }
    with app.app_context():
        backdate(world["member"], world["coordinator"], world["candidate"])
    return world


# --- a controllable SMTP server ---------------------------------------------------------
class ControlledHandler:
    """Accepts mail, refuses addresses starting with ``bounce`` (550) or ``later`` (450), and holds
    messages to ``block…`` addresses until released (then answers 451, as if the client vanished)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.blocked_arrived = threading.Event()
        self.release = threading.Event()
        self.block = True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("bounce"):
            return "550 5.1.1 No such user"
        if address.startswith("later"):
            return "450 4.2.1 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.block and any(r.startswith("block") for r in envelope.rcpt_tos):
            self.blocked_arrived.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
            return "451 4.3.0 Aborted"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]


class ControlledSmtp:
    """An aiosmtpd server on a fixed port that can be stopped and started again."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.handler = ControlledHandler()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.handler.release.set()
            self.controller.stop()
            self.controller = None


@pytest.fixture
def controlled_smtp() -> Iterator[ControlledSmtp]:
    server = ControlledSmtp()
    yield server
    server.stop()


# --- an app on a database several threads or processes share --------------------------
@pytest.fixture
def shared_db_url(tmp_path) -> str:
    """A database every connection sees: a file on SQLite, the test database on PostgreSQL."""
    return TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'shared.sqlite'}"


@pytest.fixture
def shared_app(shared_db_url, smtp_server, _pg_schema, tmp_path):
    """Like ``app`` but on ``shared_db_url`` (the in-memory database is one connection only)."""
    controller, _inbox = smtp_server
    application = create_app(make_config(controller.port, SQLALCHEMY_DATABASE_URI=shared_db_url))
    application.instance_path = str(tmp_path)
    with application.app_context():
        if TEST_DATABASE_URL:
            from tests.conftest import _truncate_all

            _truncate_all()
        else:
            Base.metadata.create_all(db.engine)
        load_prefectures()
        db.session.commit()
    yield application
    with application.app_context():
        db.session.remove()
        if TEST_DATABASE_URL:
            from tests.conftest import _truncate_all

            _truncate_all()
        db.engine.dispose()
