"""Postings per scheme: forms, the review lifecycle, visibility, search and succession anonymity."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import OrgKind, Posting, PostingStatus, Role

ACCELERATOR_POSITION = {
    "title": "高知県 自治体DXアクセラレータ募集", "description": "県内市町村のDX推進計画の策定を支援します。",
    "prefecture_code": "39", "municipality_code": "", "remote": "either", "skills": "自治体DX、BPR",
    "capacity": "4", "employment_form": "part_time", "work_area": "幡多ブロック",
    "support_tasks": ["dx_plan", "bpr_procurement"], "categories": ["front_yard"],
    "conditions": "週2日", "application_url": "https://www.pref.kochi.lg.jp/",
}
SUCCESSION_CASE = {
    "title": "創業60年の食品加工業の後継者募集", "description": "地元の柚子を使った加工品を製造しています。",
    "prefecture_code": "39", "municipality_code": "", "remote": "onsite", "skills": "経営",
    "categories": ["food_processing"], "employment_form": "owner_successor", "sales_band": "50m_100m",
    "employees_band": "6_20", "handover": ["customers", "brand"], "timing": "1年以内",
    "disclosure": "anonymous", "firm_name": "CANARY柚子食品株式会社", "address": "高知県四万十町", "financials": "黒字",
}


@pytest.fixture
def kochi(make_org, make_user):
    """A verified prefecture office, its member, a firm and a coordinator of every scheme in Kochi."""
    prefecture = make_org("高知県 デジタル政策課", OrgKind.PREFECTURE, "39")
    firm = make_org("土佐の会社", OrgKind.FIRM, "39")
    return {
        "prefecture": prefecture,
        "firm": firm,
        "member": make_user(Role.MEMBER, org_id=prefecture),
        "firm_member": make_user(Role.MEMBER, org_id=firm),
        "coordinator": make_user(Role.COORDINATOR, area=(("accelerator", "succession", "side_job"), ("39",))),
        "other_coordinator": make_user(Role.COORDINATOR, area=(("accelerator",), ("13",))),
        "candidate": make_user(Role.CANDIDATE),
    }


def _post(client, path, data):
    return client.post(path, data=data)


def _only_posting(app) -> Posting:
    with app.app_context():
        posting = db.session.scalar(sa.select(Posting))
        db.session.expunge(posting)
        return posting


def test_member_creates_submits_and_coordinator_publishes(app, client, kochi, login_as):
    login_as(kochi["member"])
    response = _post(client, "/organisations/postings/new/accelerator/position", ACCELERATOR_POSITION)
    assert response.status_code == 302, response.get_data(as_text=True)
    posting = _only_posting(app)
    assert posting.status == PostingStatus.DRAFT and posting.capacity == 4 and posting.employment_form == "part_time"
    assert posting.details["work_area"] == "幡多ブロック" and posting.categories == ["front_yard"]
    # Drafts are not public.
    anonymous = app.test_client()
    assert anonymous.get(f"/postings/{posting.id}").status_code == 404
    assert client.post(f"/organisations/postings/{posting.id}/submit").status_code == 302

    client.post("/auth/logout")
    login_as(kochi["other_coordinator"])
    assert "高知県 自治体DX" not in client.get("/coordination/postings/review").get_data(as_text=True)
    assert client.post(f"/coordination/postings/{posting.id}/review", data={"approve": "y"}).status_code == 403
    client.post("/auth/logout")

    login_as(kochi["coordinator"])
    assert "高知県 自治体DXアクセラレータ募集" in client.get("/coordination/postings/review").get_data(as_text=True)
    assert client.post(f"/coordination/postings/{posting.id}/review", data={"approve": "y"}).status_code == 302
    published = _only_posting(app)
    assert published.status == PostingStatus.PUBLISHED and published.published_at is not None
    page = anonymous.get(f"/postings/{posting.id}").get_data(as_text=True)
    assert "幡多ブロック" in page and "非常勤" in page
    status = anonymous.get("/schemes/accelerator/status").get_data(as_text=True)
    assert "高知県" in status and "https://www.pref.kochi.lg.jp/" in status
    with app.app_context():
        history = [(c.from_status, c.to_status) for c in db.session.get(Posting, posting.id).history]
    assert history == [(None, "draft"), ("draft", "in_review"), ("in_review", "published")]


def test_request_changes_needs_a_comment_and_returns_to_draft(app, client, kochi, login_as):
    login_as(kochi["member"])
    _post(client, "/organisations/postings/new/accelerator/position", ACCELERATOR_POSITION)
    posting_id = _only_posting(app).id
    client.post(f"/organisations/postings/{posting_id}/submit")
    client.post("/auth/logout")
    login_as(kochi["coordinator"])
    response = client.post(f"/coordination/postings/{posting_id}/review", data={"request_changes": "y", "comment": ""})
    assert response.status_code == 400
    assert "修正してほしい点をコメントに書いてください。" in response.get_data(as_text=True)
    client.post(f"/coordination/postings/{posting_id}/review", data={"request_changes": "y", "comment": "報酬を明記してください"})
    posting = _only_posting(app)
    assert posting.status == PostingStatus.DRAFT and posting.review_comment == "報酬を明記してください"


def test_unverified_organisation_cannot_submit(app, client, make_org, make_user, login_as):
    org = make_org("未確認県", OrgKind.PREFECTURE, "39", verified=False)
    login_as(make_user(Role.MEMBER, org_id=org))
    _post(client, "/organisations/postings/new/accelerator/position", ACCELERATOR_POSITION)
    posting_id = _only_posting(app).id
    response = client.post(f"/organisations/postings/{posting_id}/submit")
    assert response.status_code == 403
    assert _only_posting(app).status == PostingStatus.DRAFT


def test_required_scheme_fields_are_reported_in_japanese(client, kochi, login_as):
    login_as(kochi["member"])
    data = dict(ACCELERATOR_POSITION, capacity="0", employment_form="", application_url="not a url", title="")
    response = _post(client, "/organisations/postings/new/accelerator/position", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "1〜100の範囲で入力してください。" in html
    assert "URLの形式が正しくありません" in html
    assert "入力してください。" in html


def test_organisation_kind_must_match_the_posting_type(app, client, kochi, login_as):
    login_as(kochi["firm_member"])
    response = _post(client, "/organisations/postings/new/accelerator/position", ACCELERATOR_POSITION)
    assert response.status_code == 400
    assert "この種類の団体はこの募集を掲載できません。" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Posting.id))) == 0


def test_side_job_over_five_months_warns_about_the_subsidy(app, client, kochi, login_as):
    login_as(kochi["firm_member"])
    data = {"title": "EC販路拡大", "description": "ネット販売の立ち上げ", "prefecture_code": "39", "remote": "remote",
            "categories": ["sales_channels"], "employment_form": "side_job", "months": "6",
            "monthly_budget_max": "50000", "hours_per_month": "20"}
    assert _post(client, "/organisations/postings/new/side_job/project", data).status_code == 302
    posting_id = _only_posting(app).id
    warning = "5か月を超えるため、副業・兼業人材の活用補助"
    assert warning in client.get(f"/postings/{posting_id}").get_data(as_text=True)
    data["months"] = "5"
    client.post(f"/organisations/postings/{posting_id}/edit", data=data)
    assert warning not in client.get(f"/postings/{posting_id}").get_data(as_text=True)


def _publish(app, posting_id, coordinator_id):
    from marketplace.models import User
    from marketplace.postings import operations as postings

    with app.app_context():
        posting = db.session.get(Posting, posting_id)
        coordinator = db.session.get(User, coordinator_id)
        postings.submit_for_review(coordinator, posting)
        postings.approve(coordinator, posting)
        db.session.commit()


def test_succession_firm_name_stays_hidden_until_disclosure_is_approved(app, client, kochi, login_as):
    login_as(kochi["firm_member"])
    assert _post(client, "/organisations/postings/new/succession/case", SUCCESSION_CASE).status_code == 302
    posting_id = _only_posting(app).id
    # The firm sees its own name.
    assert "CANARY柚子食品株式会社" in client.get(f"/postings/{posting_id}").get_data(as_text=True)
    client.post("/auth/logout")
    _publish(app, posting_id, kochi["coordinator"])

    for path in ("/postings", f"/postings/{posting_id}", "/schemes/succession", "/"):
        html = app.test_client().get(path).get_data(as_text=True)
        assert "CANARY" not in html and "土佐の会社" not in html, path

    login_as(kochi["candidate"])
    assert "CANARY" not in client.get(f"/postings/{posting_id}").get_data(as_text=True)
    assert client.post(f"/candidates/postings/{posting_id}/disclosure", data={"message": "興味があります"}).status_code == 302
    assert "CANARY" not in client.get(f"/postings/{posting_id}").get_data(as_text=True)
    export = json.loads(client.get("/candidates/export.json").get_data(as_text=True))
    assert export["disclosure_requests"][0]["status"] == "pending"
    client.post("/auth/logout")

    login_as(kochi["firm_member"])
    page = client.get(f"/organisations/postings/{posting_id}/disclosures").get_data(as_text=True)
    assert "興味があります" in page
    from marketplace.models import DisclosureRequest

    with app.app_context():
        request_id = db.session.scalar(sa.select(DisclosureRequest.id))
    client.post(f"/organisations/postings/{posting_id}/disclosures", data={"request_id": request_id, "decision": "approve"})
    client.post("/auth/logout")

    login_as(kochi["candidate"])
    assert "CANARY柚子食品株式会社" in client.get(f"/postings/{posting_id}").get_data(as_text=True)


def test_half_width_search_finds_full_width_text(app, client, kochi, login_as):
    login_as(kochi["member"])
    data = dict(ACCELERATOR_POSITION, title="ＤＸ推進リーダー（ﾃﾞｰﾀ活用）", description="全角ＡＢＣの説明")
    _post(client, "/organisations/postings/new/accelerator/position", data)
    posting_id = _only_posting(app).id
    client.post("/auth/logout")
    _publish(app, posting_id, kochi["coordinator"])
    anonymous = app.test_client()
    for query in ("dx推進", "DX推進", "データ活用", "ａｂｃ"):
        html = anonymous.get("/postings", query_string={"q": query}).get_data(as_text=True)
        assert "1件の募集" in html, query
    assert "0件の募集" in anonymous.get("/postings", query_string={"q": "東京都"}).get_data(as_text=True)
    # Filters by code: Kyoto (26) never matches a Kochi posting.
    assert "0件の募集" in anonymous.get("/postings", query_string={"prefecture": "26"}).get_data(as_text=True)
    assert "1件の募集" in anonymous.get("/postings", query_string={"prefecture": "39", "scheme": "accelerator"}).get_data(as_text=True)


def test_closing_a_posting_records_the_reason_and_locks_editing(app, client, kochi, login_as):
    login_as(kochi["member"])
    _post(client, "/organisations/postings/new/accelerator/position", ACCELERATOR_POSITION)
    posting_id = _only_posting(app).id
    assert client.post(f"/organisations/postings/{posting_id}/close", data={"reason": "withdrawn"}).status_code == 302
    posting = _only_posting(app)
    assert posting.status == PostingStatus.CLOSED and posting.close_reason.value == "withdrawn"
    response = client.post(f"/organisations/postings/{posting_id}/edit", data=ACCELERATOR_POSITION)
    assert response.status_code == 409


def test_other_organisations_cannot_edit(app, client, kochi, make_org, make_user, login_as):
    login_as(kochi["member"])
    _post(client, "/organisations/postings/new/accelerator/position", ACCELERATOR_POSITION)
    posting_id = _only_posting(app).id
    client.post("/auth/logout")
    other = make_user(Role.MEMBER, org_id=make_org("別の県", OrgKind.PREFECTURE, "38"))
    login_as(other)
    assert client.get(f"/organisations/postings/{posting_id}/edit").status_code == 403
    assert client.post(f"/organisations/postings/{posting_id}/close", data={"reason": "withdrawn"}).status_code == 403
    assert client.get(f"/postings/{posting_id}").status_code == 404


def test_coordinator_posts_on_behalf_of_an_organisation(app, client, kochi, login_as):
    login_as(kochi["coordinator"])
    response = _post(client, f"/coordination/organisations/{kochi['prefecture']}/postings/new/accelerator/position",
                     ACCELERATOR_POSITION)
    assert response.status_code == 302
    posting = _only_posting(app)
    assert posting.proxy_by_id == kochi["coordinator"] and posting.organisation_id == kochi["prefecture"]
    client.post("/auth/logout")
    login_as(kochi["other_coordinator"])
    response = _post(client, f"/coordination/organisations/{kochi['prefecture']}/postings/new/accelerator/position",
                     ACCELERATOR_POSITION)
    assert response.status_code == 403


def test_expired_postings_close_automatically(app, kochi):
    from datetime import UTC, date, datetime

    from marketplace.models import Organisation, User
    from marketplace.postings import operations as postings

    with app.app_context():
        member = db.session.get(User, kochi["member"])
        data = postings.PostingData(title="t", description="d", prefecture_code="39", municipality_code=None,
                                    remote="onsite", skills=[], deadline=date(2026, 11, 30),
                                    extra={"capacity": 1, "employment_form": "part_time"})
        posting = postings.create_posting(member, db.session.get(Organisation, kochi["prefecture"]),
                                          "accelerator", "position", data)
        coordinator = db.session.get(User, kochi["coordinator"])
        postings.submit_for_review(coordinator, posting)
        postings.approve(coordinator, posting)
        # 2026-11-30 23:30 JST is still the deadline day; 2026-11-30 15:30 UTC is 2026-12-01 00:30 JST.
        assert postings.close_expired(datetime(2026, 11, 30, 14, 30, tzinfo=UTC)) == 0
        assert postings.close_expired(datetime(2026, 11, 30, 15, 30, tzinfo=UTC)) == 1
        assert posting.status == PostingStatus.CLOSED and posting.close_reason.value == "expired"


def test_saved_search_uses_the_list_filters(app, client, kochi, login_as):
    login_as(kochi["candidate"])
    response = client.post("/searches", data={"name": "高知のDX", "target": "postings", "scheme": "accelerator",
                                              "prefecture": "39", "remote": "remote", "bogus": "x"})
    assert response.status_code == 302
    from marketplace.models import SavedSearch

    with app.app_context():
        saved = db.session.scalar(sa.select(SavedSearch))
        assert saved.params == {"scheme": "accelerator", "prefecture": "39", "remote": "remote"}
    assert "高知のDX" in client.get("/searches").get_data(as_text=True)
    response = client.post("/searches", data={"name": "", "target": "postings"})
    assert response.status_code == 400


def test_adviser_request_saves_without_the_hidden_work_style_field(app, client, kochi, login_as):
    """The adviser request form hides 働き方 (its 実施方法 stands for it); saving must not need it."""
    login_as(kochi["member"])
    data = {"title": "窓口DXの助言を依頼したい", "description": "申請手続のオンライン化について助言がほしいです。",
            "prefecture_code": "39", "municipality_code": "", "skills": "自治体DX",
            "employment_form": "dx", "topic": "窓口のオンライン化", "sessions": "3", "delivery": "online"}
    response = _post(client, "/organisations/postings/new/adviser/request", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    posting = _only_posting(app)
    assert posting.remote == "remote"  # derived from 実施方法: オンライン
