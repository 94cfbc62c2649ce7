"""The outbox sender against real SMTP servers: retries, bounces, crashes and two senders at once."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    BouncedAddress,
    OrgKind,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Role,
    User,
)
from marketplace.scheduler import jobs
from marketplace.accounts import operations as accounts
from marketplace.digests import notifications
from marketplace.digests import DAILY
from marketplace.digests.outbox import send_pending
from aiosmtpd.controller import Controller

from tests.conftest import PASSWORD, _free_port, _Inbox, make_config
from tests.digests.conftest import add_match, add_posting, jst, profile_of

ROOT = Path(__file__).resolve().parents[2]


def _candidates_with_news(emails: list[str]) -> None:
    """Candidates (one per address) each with a new suggestion, so each is due a daily digest."""
    org = Organisation(name="高知県", kind=OrgKind.PREFECTURE, prefecture_code="39", verified=True)
    db.session.add(org)
    db.session.commit()
    posting = add_posting(org.id)
    for email in emails:
        user = accounts.create_user(email, PASSWORD, Role.CANDIDATE, display_name="候補者", verified=True)
        user.created_at = jst(-60)
        db.session.commit()
        add_match(posting, profile_of(user.id), jst(-1, 12))


def _statuses() -> list[tuple[str, OutboxStatus, int]]:
    return [(r.to_address, r.status, r.attempts) for r in
            db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))]


def test_digests_wait_while_the_server_is_down_and_arrive_once_when_it_is_back(app, controlled_smtp):
    app.config["MAIL_PORT"] = controlled_smtp.port
    controlled_smtp.start()
    controlled_smtp.stop()  # the server goes down
    start = jst(0, 8, 0)
    with app.app_context():
        _candidates_with_news(["a@example.jp", "b@example.jp"])
        jobs.run_digests(DAILY, start)
        report = send_pending(start)
        assert (report.sent, report.retried) == (0, 2)
        assert [(s, a) for _to, s, a in _statuses()] == [(OutboxStatus.PENDING, 1)] * 2
        retry_at = db.session.scalar(sa.select(sa.func.min(OutboxMessage.next_attempt_at)))
        assert retry_at == start + timedelta(seconds=60)

        controlled_smtp.start()  # and comes back on the same port
        assert send_pending(start + timedelta(seconds=30)).sent == 0  # not due yet: backoff
        assert send_pending(retry_at).sent == 2
        assert send_pending(retry_at + timedelta(hours=1)).sent == 0
    assert len(controlled_smtp.handler.to("a@example.jp")) == 1
    assert len(controlled_smtp.handler.to("b@example.jp")) == 1


def test_retries_back_off_exponentially_and_give_up_after_the_last_try(app, controlled_smtp):
    app.config.update(MAIL_PORT=controlled_smtp.port, OUTBOX_MAX_ATTEMPTS=3)
    now = jst(0, 8, 0)
    with app.app_context():
        _candidates_with_news(["a@example.jp"])
        jobs.run_digests(DAILY, now)
        delays = []
        for _ in range(3):
            send_pending(now)
            row = db.session.scalar(sa.select(OutboxMessage))
            if row.status == OutboxStatus.PENDING:
                delays.append(row.next_attempt_at - now)
                now = row.next_attempt_at
        assert delays == [timedelta(seconds=60), timedelta(seconds=120)]
        assert _statuses() == [("a@example.jp", OutboxStatus.FAILED, 3)]
        assert "server unavailable" in db.session.scalar(sa.select(OutboxMessage.last_error))
        controlled_smtp.start()
        assert send_pending(now + timedelta(days=1)).sent == 0  # failed rows stay failed
    assert controlled_smtp.handler.messages == []


def test_a_permanent_refusal_marks_the_address_bouncing_and_is_never_retried(app, controlled_smtp):
    app.config["MAIL_PORT"] = controlled_smtp.port
    controlled_smtp.start()
    now = jst(0, 8, 0)
    with app.app_context():
        _candidates_with_news(["bounce@example.jp", "later@example.jp", "ok@example.jp"])
        jobs.run_digests(DAILY, now)
        report = send_pending(now)
        assert (report.sent, report.bounced, report.retried) == (1, 1, 1)
        assert _statuses() == [("bounce@example.jp", OutboxStatus.FAILED, 1),
                               ("later@example.jp", OutboxStatus.PENDING, 1),  # 4xx: try again later
                               ("ok@example.jp", OutboxStatus.SENT, 1)]
        bounced = db.session.scalar(sa.select(BouncedAddress))
        assert (bounced.address, bounced.code) == ("bounce@example.jp", 550)
        # Nothing more is written for, or sent to, the bouncing address.
        user = db.session.scalar(sa.select(User).where(User.email == "bounce@example.jp"))
        assert notifications.notify(user, "message", subject="s", text="t", key="m1") \
            == notifications.NoticeOutcome.OFF
        add_match(add_posting(user.organisation_id or db.session.scalar(sa.select(Organisation.id)), title="次の日"),
                  profile_of(user.id), jst(0, 12))
        jobs.run_digests(DAILY, jst(1, 8, 0))
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.to_address == "bounce@example.jp")) == 1
    assert controlled_smtp.handler.to("bounce@example.jp") == []


class _UnhurriedInbox(_Inbox):
    """A real SMTP server that takes 20 ms per message, so two senders overlap on any database."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        await asyncio.sleep(0.02)
        return await super().handle_DATA(server, session, envelope)


def test_two_senders_at_once_send_every_message_exactly_once(shared_app):
    addresses = [f"user{i:02d}@example.jp" for i in range(24)]
    now = jst(0, 8, 0)
    mailbox = _UnhurriedInbox()
    server = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    server.start()
    shared_app.config["MAIL_PORT"] = server.port
    with shared_app.app_context():
        _candidates_with_news(addresses)
        assert jobs.run_digests(DAILY, now).written == 24
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def sender() -> None:
        try:
            with shared_app.app_context():
                barrier.wait()
                reports.append(send_pending(now, batch_size=3))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    server.stop()
    assert errors == []
    assert sum(r.sent for r in reports) == 24 and all(r.sent for r in reports)  # both took part
    for address in addresses:
        assert len(mailbox.to(address)) == 1, address
    with shared_app.app_context():
        assert {s for _to, s, _a in _statuses()} == {OutboxStatus.SENT}


SENDER_SCRIPT = """
import json, sys
from datetime import datetime
from marketplace import create_app
from marketplace.digests.outbox import send_pending
config, now = json.loads(sys.argv[1]), datetime.fromisoformat(sys.argv[2])
app = create_app(config)
app.instance_path = sys.argv[3]
with app.app_context():
    send_pending(now, batch_size=10)
"""


def test_a_sender_killed_mid_batch_neither_duplicates_nor_loses_a_digest(shared_app, shared_db_url, controlled_smtp,
                                                                          tmp_path):
    controlled_smtp.start()
    shared_app.config["MAIL_PORT"] = controlled_smtp.port
    now = jst(0, 8, 0)
    addresses = ["first@example.jp", "block@example.jp", "third@example.jp", "fourth@example.jp"]
    with shared_app.app_context():
        _candidates_with_news(addresses)
        assert jobs.run_digests(DAILY, now).written == 4
    config = make_config(controlled_smtp.port, SQLALCHEMY_DATABASE_URI=shared_db_url)
    process = subprocess.Popen([sys.executable, "-c", SENDER_SCRIPT, json.dumps(config), now.isoformat(),
                                str(tmp_path)], cwd=ROOT, env=dict(os.environ))
    try:
        # The sender claimed the whole batch, delivered the first digest and is inside the second.
        assert controlled_smtp.handler.blocked_arrived.wait(timeout=60), "the sender never reached the 2nd message"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:  # pragma: no cover
            process.kill()
    controlled_smtp.handler.block = False
    controlled_smtp.handler.release.set()
    with shared_app.app_context():
        assert [s for _to, s, _a in _statuses()] == [OutboxStatus.SENT] + [OutboxStatus.SENDING] * 3
        # Until its lease ends, the dead sender's claim holds: nobody sends those rows.
        assert send_pending(now + timedelta(seconds=60)).sent == 0
        lease_over = now + timedelta(seconds=shared_app.config["OUTBOX_LEASE_SECONDS"] + 1)
        assert send_pending(lease_over).sent == 3
        assert [s for _to, s, _a in _statuses()] == [OutboxStatus.SENT] * 4
    for address in addresses:
        assert len(controlled_smtp.handler.to(address)) == 1, address
