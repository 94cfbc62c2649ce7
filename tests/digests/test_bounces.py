"""Bounces (issue #16, item 3): only a mailbox-level refusal marks an address bounced.

A real aiosmtpd server answers RCPT as real servers do: ``550 5.1.1`` (no such user), ``550 5.7.1
Relaying denied`` (the server's policy), a plain ``550``, ``530 5.7.0`` (authentication), or the
same ``550 5.1.1`` to everyone (a misconfigured relay). Relay and policy refusals, and a batch in
which most recipients are refused, pause sending and tell admins; the admin page, ``flask mail``
and confirming the address again clear a bounce.
"""
from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from marketplace.extensions import db
from marketplace.models import BouncedAddress, MailPause, OutboxMessage, OutboxStatus, Role, User
from marketplace.accounts import operations as accounts
from marketplace.digests import outbox
from tests.conftest import PASSWORD, _free_port

RELAY = "550 5.7.1 Relaying denied"


class AnsweringHandler:
    """RCPT answers by the address's first word (``nouser.x@…`` → 550 5.1.1), or one for all."""

    ANSWERS = {
        "nouser": "550 5.1.1 <{address}>: Recipient address rejected: User unknown",
        "disabled": "550 5.2.1 Mailbox disabled",
        "plain": "550 Requested action not taken: mailbox unavailable",
        "relay": RELAY,
        "auth": "530 5.7.0 Authentication required",
        "later": "450 4.2.1 Mailbox busy",
    }

    def __init__(self) -> None:
        self.messages: list = []
        self.lock = threading.Lock()
        self.everyone: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd API)
        answer = self.everyone or self.ANSWERS.get(address.split(".", 1)[0].split("@", 1)[0])
        if answer:
            return answer.format(address=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def server(app) -> Iterator[AnsweringHandler]:
    handler = AnsweringHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config["MAIL_PORT"] = controller.port
    yield handler
    controller.stop()


def _queue(*emails: str) -> None:
    """One account mail for each address (a user per address)."""
    for email in emails:
        user = accounts.find_user_by_email(email) or accounts.create_user(email, PASSWORD, Role.CANDIDATE,
                                                                          verified=True)
        accounts.enqueue_account_mail(user, "already_registered", "件名", "本文")
    db.session.commit()


def _bounced() -> set[str]:
    return set(db.session.scalars(sa.select(BouncedAddress.address)))


def _status(email: str) -> OutboxStatus:
    return db.session.scalar(sa.select(OutboxMessage.status).where(OutboxMessage.to_address == email)
                             .order_by(OutboxMessage.id.desc()))


@pytest.mark.parametrize(("code", "text", "kind"), [
    (550, "5.1.1 User unknown", outbox.MAILBOX),
    (550, "5.1.10 Recipient address rejected", outbox.MAILBOX),
    (552, "5.2.2 Mailbox full", outbox.MAILBOX),
    (550, "Requested action not taken: mailbox unavailable", outbox.MAILBOX),
    (550, "5.7.1 Relaying denied", outbox.POLICY),
    (554, "5.7.1 Service unavailable; client host blocked", outbox.POLICY),
    (530, "5.7.0 Authentication required", outbox.POLICY),
    (550, "Relaying denied", outbox.POLICY),
    (553, "sorry, that domain isn't in my list of allowed rcpthosts", outbox.POLICY),
    (554, "Transaction failed", outbox.POLICY),
    (450, "4.2.1 Mailbox busy", outbox.TEMPORARY),
])
def test_refusals_are_classified_by_their_enhanced_code(code, text, kind):
    assert outbox.classify_refusal(code, text) == kind


def test_mailbox_refusals_bounce_and_a_good_address_still_receives(app, server):
    with app.app_context():
        _queue("nouser.a@example.jp", "disabled.b@example.jp", "plain.c@example.jp", "ok1@example.jp",
               "ok2@example.jp", "ok3@example.jp", "ok4@example.jp")
        report = outbox.send_pending()
        assert (report.sent, report.bounced, report.paused) == (4, 3, False)
        assert _bounced() == {"nouser.a@example.jp", "disabled.b@example.jp", "plain.c@example.jp"}
        # The kept reason does not hold the address (the server's answer echoed it).
        assert all("@" not in r for r in db.session.scalars(sa.select(BouncedAddress.reason)))
    assert len(server.to("ok1@example.jp")) == 1


def test_a_relay_refusal_bounces_no_one_pauses_sending_and_tells_admins(app, server, caplog):
    with app.app_context():
        _queue("relay.a@example.jp", "ok1@example.jp", "ok2@example.jp")
        with caplog.at_level(logging.ERROR, logger="marketplace.digests.outbox"):
            report = outbox.send_pending()
        assert report.paused and report.bounced == 0 and report.sent == 0
        assert _bounced() == set()
        assert {_status(e) for e in ("relay.a@example.jp", "ok1@example.jp", "ok2@example.jp")} \
            == {OutboxStatus.PENDING}
        pause = db.session.scalar(sa.select(MailPause))
        assert (pause.reason, pause.code, pause.detail) == ("policy_refusal", 550, "5.7.1 Relaying denied")
        record = next(r for r in caplog.records if getattr(r, "event", "") == "mail.paused")
        assert record.levelno == logging.ERROR and record.code == 550
        # While paused nothing leaves, even once the server would accept.
        server.ANSWERS = {**server.ANSWERS, "relay": ""}
        assert outbox.send_pending().sent == 0
        outbox.resume()
        db.session.commit()
        assert outbox.send_pending().sent == 3
    assert len(server.to("relay.a@example.jp")) == 1


def test_an_authentication_refusal_pauses_too(app, server):
    with app.app_context():
        _queue("auth.a@example.jp")
        assert outbox.send_pending().paused
        assert _bounced() == set() and outbox.active_pause().code == 530


def test_a_batch_where_most_recipients_are_refused_bounces_no_one_and_pauses(app, server):
    server.everyone = "550 5.1.1 User unknown"  # a relay that says so for everyone
    emails = [f"person{i}@example.jp" for i in range(10)]
    with app.app_context():
        _queue(*emails)
        report = outbox.send_pending()
        assert report.paused and report.bounced == 0
        assert _bounced() == set()
        assert {_status(e) for e in emails} == {OutboxStatus.PENDING}
        pause = outbox.active_pause()
        assert pause.reason == "mass_refusal" and "10 of 10" in pause.detail


def test_admin_page_shows_the_pause_resumes_and_clears_a_bounce(app, server, make_user, login_as):
    with app.app_context():
        _queue("relay.a@example.jp")
        outbox.send_pending()
        db.session.add(BouncedAddress(address="gone@example.jp", code=550, reason="5.1.1 User unknown"))
        db.session.commit()
        bounce_id = db.session.scalar(sa.select(BouncedAddress.id))
    client = login_as(make_user(Role.ADMIN))
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "メールの送信を止めています" in page and "5.7.1 Relaying denied" in page and "gone@example.jp" in page
    assert client.post("/admin/mail/resume").status_code == 302
    assert client.post(f"/admin/mail/bounces/{bounce_id}/clear").status_code == 302
    with app.app_context():
        assert outbox.active_pause() is None and _bounced() == set()
    assert "メールは通常どおり送信されています" in client.get("/admin/mail").get_data(as_text=True)
    assert client.post("/admin/mail/bounces/99999/clear").status_code == 404


def test_flask_mail_unbounce_and_resume(app, runner):
    with app.app_context():
        db.session.add(BouncedAddress(address="gone@example.jp", code=550))
        outbox.pause("policy_refusal", 550, RELAY, outbox.utcnow())
        db.session.commit()
    assert "gone@example.jp" in runner.invoke(args=["mail", "status"]).output
    result = runner.invoke(args=["mail", "unbounce", "Gone@example.jp"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["mail", "unbounce", "gone@example.jp"]).exit_code != 0
    assert runner.invoke(args=["mail", "resume"]).exit_code == 0
    with app.app_context():
        assert _bounced() == set() and outbox.active_pause() is None


def test_a_person_clears_their_own_bounce_by_confirming_the_address_again(app, client, server, make_user):
    make_user(email="back@example.jp")
    with app.app_context():
        db.session.add(BouncedAddress(address="back@example.jp", code=550, reason="5.2.1 Mailbox disabled"))
        db.session.commit()
    response = client.post("/auth/verify/resend", data={"email": "back@example.jp"})
    assert response.status_code == 200
    response.close()
    (message,) = server.to("back@example.jp")  # the confirmation link goes even to a bouncing address
    link = re.search(r"http://localhost(/auth/verify/\S+)", message.get_content()).group(1)
    assert client.get(link).status_code == 200
    with app.app_context():
        assert _bounced() == set()
        assert db.session.scalar(sa.select(User.email_verified_at).where(User.email == "back@example.jp"))
