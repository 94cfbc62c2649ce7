"""First use on a phone and in words: folded menu and filters, grouped prefectures, career rows,
one date style and one score scale, the favicon (issue 15)."""
from __future__ import annotations

import re
from datetime import date

from marketplace.core.i18n import format_period, format_score
from marketplace.models import Role
from tests.web.test_profiles import PROFILE


def test_period_and_score_in_words(app):
    with app.test_request_context():
        assert format_period(None, None, "ja") == "期間未定"
        assert format_period(date(2026, 11, 6), date(2027, 1, 5), "ja") == "2026年11月6日〜2027年1月5日"
        assert format_period("2026-11-06", None, "ja") == "2026年11月6日から（終了日未定）"
        assert format_score(70.6) == "適合度 71 / 100"
        assert format_score(48.87, label=False) == "49 / 100"


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and b"<svg" in response.data
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)


def test_header_menu_folds_without_javascript_and_filters_come_folded(client):
    html = client.get("/postings").get_data(as_text=True)
    assert 'id="site-menu-toggle"' in html and '<label for="site-menu-toggle"' in html and 'id="site-menu"' in html
    assert '<details class="filter-panel"' in html
    # the keyword box and the result count come before the folded filters' fields end
    assert html.index('id="q"') < html.index("<details") < html.index('class="result-count"')
    assert "<script>" not in html  # the CSP allows no inline script


def test_work_prefectures_are_checkboxes_grouped_by_region(client, make_user, login_as):
    login_as(make_user(Role.CANDIDATE))
    html = client.get("/candidates/profile").get_data(as_text=True)
    for region in ("北海道・東北", "関東", "中部", "近畿", "中国", "四国", "九州・沖縄"):
        assert f"<legend>{region}</legend>" in html, region
    assert 'type="checkbox" name="work_prefectures" id="work_prefectures-39" value="39"' in html
    assert "Ctrl" not in html


def test_a_career_row_is_added_without_javascript_and_nothing_is_saved(app, client, make_user, login_as):
    user_id = make_user(Role.CANDIDATE)
    login_as(user_id)
    data = {**PROFILE, "add_career": "1"}
    data.pop("careers-1-organisation"), data.pop("careers-1-role")
    response = client.post("/candidates/profile", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="株式会社サンプル"' in html and 'name="careers-1-organisation"' in html
    assert 'value="39" checked' in html  # what was typed is kept
    import sqlalchemy as sa

    from marketplace.extensions import db
    from marketplace.models import CandidateProfile
    with app.app_context():
        profile = db.session.scalar(sa.select(CandidateProfile).where(CandidateProfile.user_id == user_id))
        assert profile is None or (profile.careers == [] and profile.skills == [])
    assert re.search(r"career-rows\.js", html)


def test_scheme_forms_do_not_ask_again_for_what_the_profile_says(client, make_user, login_as):
    login_as(make_user(Role.CANDIDATE))
    assert client.post("/candidates/profile", data=PROFILE).status_code == 302
    side_job = client.get("/candidates/schemes/side_job").get_data(as_text=True)
    assert re.search(r'name="hours_per_month"[^>]*value="40"', side_job)
    assert re.search(r'name="monthly_fee_min"[^>]*value="50000"', side_job)
    accelerator = client.get("/candidates/schemes/accelerator").get_data(as_text=True)
    assert re.search(r'value="PM"[^>]*checked|checked[^>]*value="PM"', accelerator)
    assert "プロフィールに入力済みの内容" in accelerator
