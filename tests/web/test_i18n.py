"""Japanese first, an English switch remembered per user, Japanese dates and fiscal years."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from marketplace.extensions import db
from marketplace.core.i18n import fiscal_year, format_date, format_datetime, reiwa_fiscal_year_label
from marketplace.models import User


def test_english_switch_for_anonymous_visitors(client):
    response = client.post("/language", data={"language": "en", "next": "/auth/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Log in" in html and "ログイン</h1>" not in html


def test_language_choice_is_remembered_on_the_account(app, client, make_user, login_as):
    user_id = make_user()
    login_as(user_id)
    client.post("/language", data={"language": "en"})
    with app.app_context():
        assert db.session.get(User, user_id).locale == "en"
    # A new browser session picks the account's language up at login.
    fresh = app.test_client()
    with app.app_context():
        email = db.session.get(User, user_id).email
    fresh.post("/auth/login", data={"email": email, "password": "correct-Horse-battery-9"})
    assert '<html lang="en">' in fresh.get("/candidates/").get_data(as_text=True)


def test_unknown_language_is_refused(client):
    assert client.post("/language", data={"language": "fr"}).status_code == 400


def test_error_pages_follow_the_language(client):
    client.post("/language", data={"language": "en"})
    assert "Page not found" in client.get("/missing").get_data(as_text=True)


def test_emails_use_the_recipients_language(app, client, mailbox):
    client.post("/language", data={"language": "en"})
    client.post("/auth/register", data={
        "email": "en@example.jp", "display_name": "Jane", "password": "sunny-Kochi-2026",
        "password_confirm": "sunny-Kochi-2026", "role": "candidate",
    }).close()  # a WSGI server closes the answer once sent: the queued mail leaves then
    (message,) = mailbox.to("en@example.jp")
    assert message["Subject"] == "Confirm your email address"


def test_every_message_has_an_english_translation():
    from babel.messages.pofile import read_po

    with open("marketplace/translations/en/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh)
    missing = [m.id for m in catalog if m.id and not m.string and not m.fuzzy]
    assert missing == []


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 3, 31), "令和7年度"),
    (date(2026, 4, 1), "令和8年度"),
    (date(2019, 5, 1), "令和元年度"),
])
def test_reiwa_fiscal_years(day, expected):
    assert reiwa_fiscal_year_label(fiscal_year(day)) == expected


def test_english_fiscal_year_label():
    assert reiwa_fiscal_year_label(2026, "en") == "FY2026 (R8)"


def test_timestamps_are_stored_in_utc_and_shown_in_jst():
    # 2026-11-27 16:30 UTC is 2026-11-28 01:30 in Japan.
    moment = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)
    assert format_datetime(moment, "ja") == "2026年11月28日 01:30"
    assert format_date(moment, "en") == "2026-11-28"


def test_timestamps_come_back_from_the_database_aware(app, make_user):
    user_id = make_user()
    with app.app_context():
        created = db.session.get(User, user_id).created_at
        assert created.tzinfo is not None and created.utcoffset().total_seconds() == 0
