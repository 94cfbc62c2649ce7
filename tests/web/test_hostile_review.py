"""Findings of the hostile reviews (issue 16): repeated multi-values, invalid UTF-8 in form bodies."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import OrgKind, Posting, Role
from tests.web.test_postings import ACCELERATOR_POSITION


@pytest.fixture
def member(make_org, make_user):
    return make_user(Role.MEMBER, org_id=make_org("高知県 デジタル政策課", OrgKind.PREFECTURE, "39"))


def _postings(app) -> list[Posting]:
    with app.app_context():
        postings = list(db.session.scalars(sa.select(Posting)))
        db.session.expunge_all()
        return postings


def test_a_category_sent_200_times_is_stored_once_in_order(app, client, member, login_as):
    login_as(member)
    data = dict(ACCELERATOR_POSITION, categories=["front_yard"] * 200 + ["data_use"] + ["front_yard"] * 5,
                support_tasks=["dx_plan"] * 200)
    response = client.post("/organisations/postings/new/accelerator/position", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    [posting] = _postings(app)
    assert posting.categories == ["front_yard", "data_use"]
    assert posting.details["support_tasks"] == ["dx_plan"]


def test_too_many_skills_are_refused_with_a_message(app, client, member, login_as):
    login_as(member)
    data = dict(ACCELERATOR_POSITION, skills="、".join(f"スキル{i}" for i in range(31)))
    response = client.post("/organisations/postings/new/accelerator/position", data=data)
    assert response.status_code == 400
    assert "入力できるのは30件までです。" in response.get_data(as_text=True)
    assert _postings(app) == []
    # Repeated tags count once: thirty distinct ones sent twice pass.
    data["skills"] = "、".join(f"スキル{i % 30}" for i in range(60))
    assert client.post("/organisations/postings/new/accelerator/position", data=data).status_code == 302
    [posting] = _postings(app)
    assert len(posting.skills) == 30


@pytest.mark.parametrize("raw", [b"%ED%A0%80", b"%ed%b0%80x", b"%ff%fe", b"%c0%af", b"\xed\xa0\x80", b"\xc3\x28"])
def test_invalid_utf8_in_a_form_body_is_refused_in_japanese(app, client, member, login_as, raw):
    login_as(member)
    body = b"title=" + raw + b"&description=x&prefecture_code=39&remote=either&capacity=1&employment_form=part_time"
    response = client.post("/organisations/postings/new/accelerator/position", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "UTF-8 で送り直してください" in response.get_data(as_text=True)
    assert _postings(app) == []


def test_invalid_utf8_in_a_query_string_is_refused(client):
    response = client.get("/postings?q=%ED%A0%80")
    assert response.status_code == 400
    assert "UTF-8 で送り直してください" in response.get_data(as_text=True)


def test_valid_utf8_still_passes(app, client, member, login_as):
    login_as(member)
    response = client.post("/organisations/postings/new/accelerator/position",
                           data=dict(ACCELERATOR_POSITION, title="高知県 %ED%A0%80 と 𠮷野家 ＝ 😀"))
    assert response.status_code == 302
    [posting] = _postings(app)
    assert posting.title == "高知県 %ED%A0%80 と 𠮷野家 ＝ 😀"
    assert client.get("/postings?q=%E9%AB%98%E7%9F%A5").status_code == 200


def test_sqlite_connections_enforce_foreign_keys_use_wal_and_wait(tmp_path, smtp_server):
    from marketplace import create_app
    from tests.conftest import make_config

    controller, _inbox = smtp_server
    url = f"sqlite:///{tmp_path / 'pragmas.sqlite'}"
    app = create_app(make_config(controller.port, SQLALCHEMY_DATABASE_URI=url, SQLITE_BUSY_TIMEOUT_MS=7000))
    app.instance_path = str(tmp_path)
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7000
        db.engine.dispose()
