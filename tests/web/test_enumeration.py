"""Registration and password reset do the same work whatever the address (issue #16, item 2).

A taken address and a new one both cost one password hash and one queued mail, get the same
redirect, and no mail leaves inside the request (it goes through the outbox once the answer has
been sent). The same for a reset of a known and an unknown address. Timing figures are in
``scripts/bench_enumeration.py``; here the work itself is compared.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import OutboxMessage
from marketplace.services import accounts

PASSWORD = "sunny-Kochi-2026"


def _form(email: str, password: str = PASSWORD) -> dict[str, str]:
    return {"email": email, "display_name": "山田 花子", "password": password, "password_confirm": password,
            "role": "candidate"}


@pytest.fixture
def hashes(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = accounts.hash_password

    def counting(password: str) -> str:
        calls.append(password)
        return real(password)

    monkeypatch.setattr(accounts, "hash_password", counting)
    return calls


def _queued(app, email: str) -> list[tuple[str, str]]:
    with app.app_context():
        return [(r.kind, r.stream) for r in db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.to_address == email).order_by(OutboxMessage.id))]


def test_registering_a_taken_or_a_new_address_does_the_same_work(app, client, make_user, mailbox, hashes):
    make_user(email="taken@example.jp")
    hashes.clear()
    mailbox.clear()

    taken = client.post("/auth/register", data=_form("taken@example.jp"))
    taken_hashes = len(hashes)
    assert mailbox.messages == [], "no mail leaves inside the request"
    taken.close()  # the WSGI server closes the answer once sent; the queued mail leaves then

    new = app.test_client().post("/auth/register", data=_form("new@example.jp"))
    new_hashes = len(hashes) - taken_hashes
    assert mailbox.to("new@example.jp") == []
    new.close()

    assert taken_hashes == new_hashes == 1
    assert (taken.status_code, taken.headers["Location"]) == (new.status_code, new.headers["Location"]) \
        == (303, "/auth/register/sent")
    assert _queued(app, "taken@example.jp") == [("account", "already_registered")]
    assert _queued(app, "new@example.jp") == [("account", "verify_email")]
    assert len(mailbox.to("taken@example.jp")) == 1 and len(mailbox.to("new@example.jp")) == 1


def test_a_weak_password_gets_the_same_answer_for_a_taken_address(client, make_user, mailbox):
    make_user(email="taken@example.jp")
    taken = client.post("/auth/register", data=_form("taken@example.jp", "password"))
    new = client.post("/auth/register", data=_form("fresh@example.jp", "password"))
    assert taken.status_code == new.status_code == 400
    assert taken.get_data(as_text=True).replace("taken@", "X@") == new.get_data(as_text=True).replace("fresh@", "X@")


def test_reset_mail_goes_through_the_outbox_and_both_addresses_get_the_same_page(app, client, make_user, mailbox):
    make_user(email="someone@example.jp")
    mailbox.clear()
    known = client.post("/auth/password/forgot", data={"email": "someone@example.jp"})
    assert mailbox.messages == [], "the reset mail is not sent inside the request"
    assert _queued(app, "someone@example.jp") == [("account", "password_reset")]
    unknown = client.post("/auth/password/forgot", data={"email": "nobody@example.jp"})
    assert (known.status_code, known.get_data()) == (unknown.status_code, unknown.get_data())
    known.close()
    unknown.close()
    assert len(mailbox.to("someone@example.jp")) == 1 and mailbox.to("nobody@example.jp") == []


def test_registration_is_rate_limited_per_client_address(app, client):
    app.config["REGISTER_RATE_LIMIT"] = "3 per minute"
    statuses = [client.post("/auth/register", data=_form(f"r{i}@example.jp")).status_code for i in range(4)]
    assert statuses == [303, 303, 303, 429]
    assert "短時間に多くの操作がありました" in client.post(
        "/auth/register", data=_form("r9@example.jp")).get_data(as_text=True)
