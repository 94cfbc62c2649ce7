"""RFC 8058 one-click unsubscribe with CSRF protection switched on, as in production."""
from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.models import DeliveryMode, User
from marketplace.scheduler import jobs
from marketplace.digests import notifications
from tests.conftest import make_config
from tests.digests.conftest import add_match, add_posting, jst, profile_of


@pytest.fixture
def app_config(smtp_server) -> dict:
    controller, _inbox = smtp_server
    return make_config(controller.port, WTF_CSRF_ENABLED=True)


def test_a_mail_clients_one_click_post_needs_no_csrf_token_but_a_valid_signature(app, client, kochi, mailbox):
    with app.app_context():
        add_match(add_posting(kochi["org"]), profile_of(kochi["candidate"]), jst(-1, 12))
        jobs.daily_digests(jst(0, 8, 0))
    (message,) = mailbox.to("cand@example.jp")
    target = message["List-Unsubscribe"].strip("<>").removeprefix("http://localhost")
    # CSRF protection is really on: an ordinary form post without its token is refused.
    assert client.post("/language", data={"language": "en"}).status_code == 400

    forged = client.post(target[:-4] + "AAAA", data="List-Unsubscribe=One-Click",
                         content_type="application/x-www-form-urlencoded")
    assert forged.status_code == 400
    with app.app_context():
        assert notifications.mode_for(db.session.get(User, kochi["candidate"]), "accelerator") == DeliveryMode.DAILY

    one_click = client.post(target, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert one_click.status_code == 200
    with app.app_context():
        assert notifications.mode_for(db.session.get(User, kochi["candidate"]), "accelerator") == DeliveryMode.OFF
