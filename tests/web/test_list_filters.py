"""Filter controls of the public posting list and the organisations' candidate list."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import OrgKind, Role, SavedSearch, Visibility
from tests.conftest import make_config
from tests.web.list_factories import build_profile, publish_posting


@pytest.fixture
def app_config(smtp_server) -> dict:
    """Pages of two, so that pagination shows with a handful of postings."""
    controller, _inbox = smtp_server
    return make_config(controller.port, PAGE_SIZE=2)


@pytest.fixture
def postings(app, make_org, make_user):
    """Published postings: a Kochi accelerator position, two Kochi side-job projects, a Tokyo side-job project."""
    prefecture = make_user(Role.MEMBER, org_id=make_org("高知県", OrgKind.PREFECTURE, "39"))
    kochi_firm = make_user(Role.MEMBER, org_id=make_org("土佐の会社", OrgKind.FIRM, "39"))
    tokyo_firm = make_user(Role.MEMBER, org_id=make_org("東京の会社", OrgKind.FIRM, "13"))
    coordinator = make_user(Role.COORDINATOR, area=(("accelerator", "side_job"), ("39", "13")))
    return {
        "position": publish_posting(app, prefecture, coordinator, "accelerator", "position", title="アクセラレータ募集",
                                    capacity=2, employment_form="part_time", categories=["front_yard"]),
        "ec": publish_posting(app, kochi_firm, coordinator, "side_job", "project", title="ECサイト立ち上げ",
                              remote="remote", categories=["ec_site"], employment_form="side_job",
                              monthly_budget_max=80000, months=3),
        "sales": publish_posting(app, kochi_firm, coordinator, "side_job", "project", title="販路拡大の支援",
                                 categories=["sales_channels"], employment_form="side_job",
                                 monthly_budget_max=30000, months=3),
        "tokyo": publish_posting(app, tokyo_firm, coordinator, "side_job", "project", title="東京の案件", prefecture="13",
                                 categories=["ec_site"], employment_form="full_time", monthly_budget_max=250000),
    }


def _count(html: str) -> int:
    match = re.search(r"(\d+)件の募集", html)
    assert match, html
    return int(match.group(1))


def test_posting_list_offers_labelled_filter_controls(client, postings):
    html = client.get("/postings").get_data(as_text=True)
    for name in ("q", "scheme", "region", "prefecture", "remote", "employment_form", "category", "budget_min", "sort"):
        assert re.search(rf'<label for="{name}">', html), name
        assert f'id="{name}" name="{name}"' in html, name
    assert html.count("<legend>") >= 2 and '<details class="filter-panel"' in html and 'method="get"' in html and 'role="search"' in html
    # Choices come from the scheme registry, grouped per scheme.
    assert '<optgroup label="副業・兼業（プロフェッショナル人材）">' in html
    assert '<option value="Shikoku">四国</option>' in html
    assert ">ECサイト<" in html and ">非常勤<" in html


@pytest.mark.parametrize(("args", "expected"), [
    ({"region": "Shikoku"}, {"position", "ec", "sales"}),
    ({"region": "四国"}, {"position", "ec", "sales"}),
    ({"region": "Kanto"}, {"tokyo"}),
    ({"employment_form": "side_job"}, {"ec", "sales"}),
    ({"employment_form": "part_time"}, {"position"}),
    ({"category": "ec_site"}, {"ec", "tokyo"}),
    ({"category": "front_yard", "region": "Shikoku"}, {"position"}),
    ({"budget_min": "50000"}, {"ec", "tokyo"}),
    ({"budget_min": "５０，０００円"}, {"ec", "tokyo"}),  # full-width digits, comma and 円 are accepted
    ({"budget_min": "100000", "region": "Shikoku"}, set()),
])
def test_posting_filters_narrow_the_list(client, postings, args, expected):
    html = client.get("/postings", query_string=dict(args, page=1)).get_data(as_text=True)
    titles = {"position": "アクセラレータ募集", "ec": "ECサイト立ち上げ", "sales": "販路拡大の支援", "tokyo": "東京の案件"}
    assert _count(html) == len(expected)
    if len(expected) <= 2:  # everything fits on the first page
        assert {key for key, title in titles.items() if f">{title}</a>" in html} == expected


def test_filter_values_are_kept_in_the_form(client, postings):
    html = client.get("/postings", query_string={
        "region": "Shikoku", "prefecture": "39", "employment_form": "side_job", "category": "ec_site",
        "budget_min": "50000", "remote": "remote", "q": "ＥＣ", "sort": "budget"}).get_data(as_text=True)
    for value in ("Shikoku", "39", "side_job", "ec_site", "remote", "budget"):
        assert f'<option value="{value}" selected>' in html, value
    assert 'value="50000"' in html
    assert 'value="ＥＣ"' in html
    assert _count(html) == 1


def test_a_code_in_two_groups_is_selected_once(client, postings):
    # 農林水産 is both a succession industry and a startup category.
    html = client.get("/postings", query_string={"category": "agriculture"}).get_data(as_text=True)
    assert html.count('<option value="agriculture" selected>') == 1
    assert html.count('<option value="agriculture"') == 2


def test_bad_budget_is_reported_and_ignored(client, postings):
    response = client.get("/postings", query_string={"budget_min": "たくさん"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "金額は数字で入力してください" in html and 'aria-invalid="true"' in html and 'value="たくさん"' in html
    assert _count(html) == 4


def test_pagination_and_sorting_keep_the_filters(client, postings):
    html = client.get("/postings", query_string={"scheme": "side_job", "sort": "budget"}).get_data(as_text=True)
    assert _count(html) == 3
    # Sorted by budget: Tokyo (250k) then EC (80k) on page 1, sales (30k) on page 2.
    assert html.index("東京の案件") < html.index("ECサイト立ち上げ") and "販路拡大の支援" not in html
    next_link = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "scheme=side_job" in next_link and "sort=budget" in next_link and "page=2" in next_link
    page_two = client.get(next_link).get_data(as_text=True)
    assert "販路拡大の支援" in page_two and "東京の案件" not in page_two
    assert '<option value="side_job" selected>' in page_two and '<option value="budget" selected>' in page_two


def test_saved_search_keeps_the_new_filters(app, client, postings, make_user, login_as):
    login_as(make_user(Role.CANDIDATE))
    html = client.get("/postings", query_string={"region": "Shikoku", "category": "ec_site",
                                                 "budget_min": "50000"}).get_data(as_text=True)
    # The save form carries the current filters.
    for key, value in (("region", "Shikoku"), ("category", "ec_site"), ("budget_min", "50000")):
        assert f'<input type="hidden" name="{key}" value="{value}">' in html
    response = client.post("/searches", data={"name": "四国のEC", "target": "postings", "region": "Shikoku",
                                              "category": "ec_site", "budget_min": "50000"})
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.scalar(sa.select(SavedSearch))
        assert saved.params == {"region": "Shikoku", "category": "ec_site", "budget_min": 50000}
    listing = client.get("/searches").get_data(as_text=True)
    link = re.search(r'<a href="(/postings\?[^"]+)">四国のEC</a>', listing).group(1).replace("&amp;", "&")
    assert _count(client.get(link).get_data(as_text=True)) == 1


def test_empty_posting_list_says_what_to_do(client, postings):
    html = client.get("/postings", query_string={"region": "Hokkaido"}).get_data(as_text=True)
    assert "条件に合う募集はまだありません。" in html and "条件をクリアして、すべての募集を見る" in html
    assert "検索条件を保存して新しい募集のお知らせを受け取れます" in html and 'href="/auth/register"' in html


# --- the organisations' candidate list --------------------------------------------------
@pytest.fixture
def people(app, make_user):
    """Three candidates: Tokyo resident who would work in Kochi, an Osaka remote worker, a Kochi resident."""
    tokyo = build_profile(app, make_user(Role.CANDIDATE), name="東京 一郎", residence="13", work=["39"],
                          employment_forms=["side_job"], compensation_min=50000, remote="onsite",
                          opt_ins={"side_job": {"hours_per_month": 20}})
    osaka = build_profile(app, make_user(Role.CANDIDATE), name="大阪 二郎", residence="27", remote="remote",
                          employment_forms=["part_time"], compensation_min=300000,
                          opt_ins={"accelerator": {"years_experience": 10}})
    kochi = build_profile(app, make_user(Role.CANDIDATE), name="高知 三子", residence="39",
                          employment_forms=["owner_successor"], opt_ins={"succession": {}})
    return {"tokyo": tokyo, "osaka": osaka, "kochi": kochi}


@pytest.fixture
def org_member(make_org, make_user):
    return make_user(Role.MEMBER, org_id=make_org("土佐の会社", OrgKind.FIRM, "39"))


def _names(html: str) -> set[str]:
    return {name for name in ("東京 一郎", "大阪 二郎", "高知 三子") if name in html}


def test_candidate_list_offers_labelled_filter_controls(client, people, org_member, login_as):
    login_as(org_member)
    html = client.get("/organisations/candidates").get_data(as_text=True)
    for name in ("q", "scheme", "region", "prefecture", "remote", "employment_form", "budget_max", "sort"):
        assert re.search(rf'<label for="{name}">', html), name
    assert html.count("<legend>") >= 3
    assert '<option value="startup"' not in html  # individuals cannot join the startup scheme


@pytest.mark.parametrize(("args", "expected"), [
    ({}, {"東京 一郎", "大阪 二郎", "高知 三子"}),
    ({"region": "Shikoku"}, {"東京 一郎", "高知 三子"}),  # living in or willing to work in Shikoku
    ({"region": "Kinki"}, {"大阪 二郎"}),
    ({"prefecture": "39"}, {"東京 一郎", "高知 三子"}),
    ({"remote": "remote"}, {"大阪 二郎", "高知 三子"}),  # "either" counts as remote-capable
    ({"employment_form": "side_job"}, {"東京 一郎"}),
    ({"budget_max": "100000"}, {"東京 一郎", "高知 三子"}),  # no minimum set counts as affordable
    ({"budget_max": "４０，０００"}, {"高知 三子"}),
    ({"scheme": "accelerator"}, {"大阪 二郎"}),
])
def test_candidate_filters_narrow_the_list(app, client, people, org_member, login_as, args, expected):
    login_as(org_member)
    html = client.get("/organisations/candidates", query_string=args).get_data(as_text=True)
    assert f"{len(expected)}人" in html
    assert _names(html) == expected


def test_candidate_search_can_be_saved_and_reopened(app, client, people, org_member, login_as):
    login_as(org_member)
    html = client.get("/organisations/candidates", query_string={"region": "Shikoku"}).get_data(as_text=True)
    assert 'name="target" type="hidden" value="candidates"' in html
    response = client.post("/searches", data={"name": "四国の人材", "target": "candidates", "region": "Shikoku",
                                              "budget_max": "100000"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(SavedSearch.params)) == {"region": "Shikoku", "budget_max": 100000}
    listing = client.get("/searches").get_data(as_text=True)
    link = re.search(r'<a href="(/organisations/candidates\?[^"]+)">四国の人材</a>', listing).group(1)
    assert _names(client.get(link.replace("&amp;", "&")).get_data(as_text=True)) == {"東京 一郎", "高知 三子"}


def test_empty_candidate_list_says_what_to_do(client, people, org_member, login_as):
    login_as(org_member)
    html = client.get("/organisations/candidates", query_string={"region": "Hokkaido"}).get_data(as_text=True)
    assert "条件に合う人材はまだいません。" in html and "条件をクリアして、すべての人材を見る" in html
    assert "募集を掲載する" in html


def test_candidate_list_still_respects_visibility(app, client, make_user, org_member, login_as):
    build_profile(app, make_user(Role.CANDIDATE), name="非公開 五郎", residence="39",
                  visibility=Visibility.COORDINATORS, opt_ins={"side_job": {"hours_per_month": 10}})
    login_as(org_member)
    html = client.get("/organisations/candidates", query_string={"region": "Shikoku"}).get_data(as_text=True)
    assert "非公開 五郎" not in html and "0人" in html


def test_candidate_filter_vocabulary_is_the_profile_form_vocabulary():
    from marketplace.profiles.forms import ALL_FORMS
    from marketplace.schemes.filter_options import CANDIDATE_EMPLOYMENT_FORMS

    assert CANDIDATE_EMPLOYMENT_FORMS == ALL_FORMS
