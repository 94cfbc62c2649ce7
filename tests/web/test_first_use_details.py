"""First use (issue #15, "Also seen"): the details a first-time poster and reviewer ran into.

The posting form starts at the organisation's own prefecture; a draft offers no 募集を終了する; the
reviewer's page shows the months, budget and subsidy warning the poster saw, with the decision
before the long content; a confidential value is not labelled 「（非公開）」 for a viewer entitled to
see it; the demo postings' texts are grammatical.
"""
from __future__ import annotations

import re

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Posting
from marketplace.seeding.demo import build_plan
from tests.web.test_postings import SUCCESSION_CASE, _publish, kochi  # noqa: F401 (fixture)

SIDE_JOB = {"title": "EC販路拡大", "description": "ネット販売の立ち上げ", "prefecture_code": "39", "remote": "remote",
            "categories": ["sales_channels"], "employment_form": "side_job", "months": "6",
            "monthly_budget_max": "50000", "hours_per_month": "20"}
SUBSIDY_WARNING = "契約期間が5か月を超えるため、副業・兼業人材の活用補助"


def _posting_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Posting.id).order_by(Posting.id.desc()))


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return re.findall(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected',
                      select.group(1))


def test_a_firms_posting_form_starts_at_its_own_prefecture(client, kochi, login_as):  # noqa: F811
    login_as(kochi["firm_member"])
    html = client.get("/organisations/postings/new/side_job/project").get_data(as_text=True)
    assert [a or b for a, b in _selected(html, "prefecture_code")] == ["39"]  # 高知県, not 北海道


def test_a_draft_offers_no_close_button_and_a_published_posting_does(app, client, kochi, login_as):  # noqa: F811
    login_as(kochi["firm_member"])
    assert client.post("/organisations/postings/new/side_job/project", data=SIDE_JOB).status_code == 302
    posting_id = _posting_id(app)
    draft = client.get(f"/postings/{posting_id}").get_data(as_text=True)
    assert "下書き" in draft and "募集を終了する" not in draft
    _publish(app, posting_id, kochi["coordinator"])
    assert "募集を終了する" in client.get(f"/postings/{posting_id}").get_data(as_text=True)


def test_the_review_page_shows_what_the_poster_saw_with_the_decision_first(app, client, kochi, login_as):  # noqa: F811
    login_as(kochi["firm_member"])
    assert client.post("/organisations/postings/new/side_job/project", data=SIDE_JOB).status_code == 302
    posting_id = _posting_id(app)
    assert client.post(f"/organisations/postings/{posting_id}/submit").status_code == 302
    client.post("/auth/logout")
    login_as(kochi["coordinator"])
    html = client.get(f"/coordination/postings/{posting_id}/review").get_data(as_text=True)
    assert "契約期間（月）" in html and re.search(r"<dd>6[^<]*</dd>", html)
    assert "月額報酬の上限（円）" in html and "50,000" in html
    assert SUBSIDY_WARNING in html
    # The decision comes before the facts and the content, not below them.
    assert html.index('name="approve"') < html.index(SUBSIDY_WARNING) < html.index("ネット販売の立ち上げ")


def test_a_confidential_value_is_not_labelled_hidden_for_a_viewer_who_sees_it(app, client, kochi, login_as):  # noqa: F811
    login_as(kochi["firm_member"])
    assert client.post("/organisations/postings/new/succession/case", data=SUCCESSION_CASE).status_code == 302
    html = client.get(f"/postings/{_posting_id(app)}").get_data(as_text=True)
    assert "CANARY柚子食品株式会社" in html and "高知県四万十町" in html  # the firm sees its own case
    assert "事業者名（非公開）" not in html and "所在地（非公開）" not in html
    assert "<dt>事業者名</dt>" in html


def test_demo_postings_read_as_japanese():
    texts = [f"{p.data.title} {p.data.description}" for p in build_plan().postings]
    assert texts
    broken = [text for text in texts if "」ことです" in text]
    assert broken == []
