"""Coordinators' candidate list: only their area, every visibility level, never contact details."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import OrgKind, Role, SavedSearch, User, Visibility
from marketplace.profiles.operations import Career
from marketplace.postings.search import run_saved_search
from tests.web.list_factories import build_profile

PHONE = "080-9876-5432"


@pytest.fixture
def area(app, make_user):
    """A Kochi accelerator coordinator, coordinators elsewhere, and candidates inside and outside the area."""
    users = {
        "coordinator": make_user(Role.COORDINATOR, area=(("accelerator",), ("39",))),
        "kyoto_coordinator": make_user(Role.COORDINATOR, area=(("accelerator",), ("26",))),
        "side_job_coordinator": make_user(Role.COORDINATOR, area=(("side_job",), ("39",))),
        "moving": make_user(Role.CANDIDATE, email="moving@example.jp"),
        "local": make_user(Role.CANDIDATE, email="local@example.jp"),
        "elsewhere": make_user(Role.CANDIDATE, email="elsewhere@example.jp"),
        "not_joined": make_user(Role.CANDIDATE, email="notjoined@example.jp"),
    }
    accelerator = {"accelerator": {"years_experience": 12, "exams": ["PM"], "claims_equivalent": False,
                                   "employment_forms": ["part_time"]}}
    profiles = {
        # Lives in Tokyo, would move to Kochi; only coordinators may see the profile.
        "moving": build_profile(
            app, users["moving"], name="移住 希望子", residence="13", work=["39"], visibility=Visibility.COORDINATORS,
            opt_ins=dict(accelerator, side_job={"hours_per_month": 20, "monthly_fee_min": 123456}),
            phone=PHONE, compensation_min=200000, employment_forms=["part_time"], remote="onsite",
            careers=[Career("株式会社サンプル", "プロジェクトマネージャー", 12, "自治体の基幹系システム")],
            self_intro="自治体の標準化を支援してきました。"),
        "local": build_profile(app, users["local"], name="高知 在住", residence="39", remote="remote",
                               visibility=Visibility.PUBLIC_SUMMARY, opt_ins=accelerator, compensation_min=400000),
        "elsewhere": build_profile(app, users["elsewhere"], name="大阪 在住", residence="27", work=["26"],
                                   opt_ins=accelerator),
        # In Kochi but never joined the accelerator scheme.
        "not_joined": build_profile(app, users["not_joined"], name="制度 未参加", residence="39",
                                    opt_ins={"side_job": {"hours_per_month": 10}}),
    }
    return users, profiles


NAMES = ("移住 希望子", "高知 在住", "大阪 在住", "制度 未参加")


def _names(html: str) -> set[str]:
    return {name for name in NAMES if name in html}


def test_coordinator_sees_only_candidates_of_their_schemes_and_prefectures(client, area, login_as):
    users, _profiles = area
    login_as(users["coordinator"])
    html = client.get("/coordination/candidates").get_data(as_text=True)
    assert _names(html) == {"移住 希望子", "高知 在住"} and "2人" in html
    client.post("/auth/logout")

    login_as(users["kyoto_coordinator"])
    assert _names(client.get("/coordination/candidates").get_data(as_text=True)) == {"大阪 在住"}
    client.post("/auth/logout")

    login_as(users["side_job_coordinator"])
    assert _names(client.get("/coordination/candidates").get_data(as_text=True)) == {"移住 希望子", "制度 未参加"}


def test_coordinator_of_another_prefecture_cannot_open_the_profile(client, area, login_as):
    users, profiles = area
    login_as(users["kyoto_coordinator"])
    assert client.get(f"/coordination/candidates/{profiles['moving']}").status_code == 404
    assert client.get(f"/coordination/candidates/{profiles['local']}").status_code == 404
    assert client.get(f"/coordination/candidates/{profiles['elsewhere']}").status_code == 200
    assert client.get("/coordination/candidates/999999").status_code == 404


def test_coordinators_only_profile_is_shown_to_the_coordinator_but_not_to_organisations(
        client, area, make_org, make_user, login_as):
    users, profiles = area
    member = make_user(Role.MEMBER, org_id=make_org("高知県", OrgKind.PREFECTURE, "39"))
    login_as(member)
    assert "移住 希望子" not in client.get("/organisations/candidates").get_data(as_text=True)
    assert client.get(f"/organisations/candidates/{profiles['moving']}").status_code == 404
    client.post("/auth/logout")
    login_as(users["coordinator"])
    assert client.get(f"/coordination/candidates/{profiles['moving']}").status_code == 200


def test_detail_shows_the_profile_but_never_contact_details(client, area, login_as):
    users, profiles = area
    login_as(users["coordinator"])
    html = client.get(f"/coordination/candidates/{profiles['moving']}").get_data(as_text=True)
    assert "移住 希望子" in html and "株式会社サンプル" in html and "プロジェクトマネージャー" in html
    assert "12年" in html and "自治体の標準化を支援してきました。" in html
    assert "<dt>デジタル分野の実務経験（年）</dt><dd>12</dd>" in html and "<dd>プロジェクトマネージャ</dd>" in html
    assert "<dt>プロフィールの概要の公開範囲</dt><dd>コーディネーターだけ</dd>" in html and "高知県" in html and "東京都" in html
    # No e-mail, no phone, and the side-job minimum fee the candidate was told stays private.
    assert "moving@example.jp" not in html and "@example.jp" not in html
    assert PHONE not in html and "123456" not in html and "123,456" not in html
    listing = client.get("/coordination/candidates").get_data(as_text=True)
    assert "moving@example.jp" not in listing and "local@example.jp" not in listing and PHONE not in listing


def test_filters_sorting_and_pagination_work_within_the_area(app, client, area, make_user, login_as):
    users, _profiles = area
    login_as(users["coordinator"])
    page = lambda **args: client.get("/coordination/candidates", query_string=args).get_data(as_text=True)  # noqa: E731
    assert _names(page(remote="remote")) == {"高知 在住"}
    assert _names(page(budget_max="250000")) == {"移住 希望子"}
    assert _names(page(region="Shikoku")) == {"移住 希望子", "高知 在住"}
    assert _names(page(region="Kinki")) == set()  # the Osaka candidate is outside the area, whatever the filter
    assert _names(page(q="高知")) == {"高知 在住"}
    html = page(region="Shikoku", budget_max="250000", sort="hours")
    for value in ("Shikoku", "hours"):
        assert f'<option value="{value}" selected>' in html
    assert 'value="250000"' in html

    # 25 more candidates in the area: two pages, and the next-page link keeps the filters.
    for i in range(25):
        build_profile(app, make_user(Role.CANDIDATE), name=f"追加 {i:02d}", residence="39",
                      opt_ins={"accelerator": {"years_experience": 5}})
    html = page(region="Shikoku", sort="hours")
    assert "27人" in html
    next_link = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "region=Shikoku" in next_link and "sort=hours" in next_link and "page=2" in next_link
    assert 'rel="prev"' in client.get(next_link).get_data(as_text=True)


def test_empty_states_tell_the_coordinator_what_to_do(client, area, make_user, login_as):
    users, _profiles = area
    login_as(users["coordinator"])
    html = client.get("/coordination/candidates", query_string={"q": "存在しない言葉"}).get_data(as_text=True)
    assert "条件に合う人材は担当地域にいません。" in html and "条件をクリアして" in html
    client.post("/auth/logout")
    login_as(make_user(Role.COORDINATOR, area=(("adviser",), ("47",))))
    html = client.get("/coordination/candidates").get_data(as_text=True)
    assert "担当地域で制度に参加している人材はまだいません。" in html
    client.post("/auth/logout")
    login_as(make_user(Role.COORDINATOR))
    html = client.get("/coordination/candidates").get_data(as_text=True)
    assert "担当地域が設定されていません。" in html and "移住 希望子" not in html


def test_only_coordinators_and_admins_reach_the_list(client, area, make_user, login_as):
    users, profiles = area
    login_as(users["local"])
    assert client.get("/coordination/candidates").status_code == 403
    assert client.get(f"/coordination/candidates/{profiles['local']}").status_code == 403
    client.post("/auth/logout")
    login_as(make_user(Role.ADMIN))
    assert _names(client.get("/coordination/candidates").get_data(as_text=True)) == set(NAMES)


def test_inactive_accounts_are_not_listed(app, client, area, login_as):
    users, profiles = area
    with app.app_context():
        db.session.get(User, users["local"]).active = False
        db.session.commit()
    login_as(users["coordinator"])
    assert "高知 在住" not in client.get("/coordination/candidates").get_data(as_text=True)
    assert client.get(f"/coordination/candidates/{profiles['local']}").status_code == 404


def test_dashboard_links_to_the_list(client, area, login_as):
    users, _profiles = area
    login_as(users["coordinator"])
    assert 'href="/coordination/candidates"' in client.get("/coordination/").get_data(as_text=True)


def test_coordinator_saved_search_stays_within_the_area(app, client, area, login_as):
    users, _profiles = area
    login_as(users["kyoto_coordinator"])
    response = client.post("/searches", data={"name": "アクセラレータ", "target": "candidates",
                                              "scheme": "accelerator"})
    assert response.status_code == 302
    listing = client.get("/searches").get_data(as_text=True)
    assert 'href="/coordination/candidates?scheme=accelerator"' in listing
    with app.app_context():
        saved = db.session.scalar(sa.select(SavedSearch))
        viewer = db.session.get(User, users["kyoto_coordinator"])
        names = {p.user.display_name for p in db.session.scalars(run_saved_search(saved, viewer))}
    assert names == {"大阪 在住"}
