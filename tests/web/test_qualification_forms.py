"""The profile and scheme forms read IPA level-4 exams through the shared normaliser."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import CandidateProfile, Role, SchemeOptIn
from tests.web.test_profiles import PROFILE


def _profile(app, user_id) -> CandidateProfile:
    with app.app_context():
        profile = db.session.scalar(sa.select(CandidateProfile).where(CandidateProfile.user_id == user_id))
        db.session.expunge_all()
        return profile


def test_exam_written_among_other_qualifications_counts_as_ticked(app, client, make_user, login_as):
    user_id = make_user(Role.CANDIDATE)
    login_as(user_id)
    data = dict(PROFILE, qualifications=["SC"],
                other_qualifications="中小企業診断士\n2019年にプロジェクトマネージャ試験に合格\n応用情報技術者試験")
    response = client.post("/candidates/profile", data=data, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "IPA高度試験の合格（プロジェクトマネージャ）を認識しました" in page
    profile = _profile(app, user_id)
    assert profile.qualifications == ["PM", "SC"]  # table order; 応用情報 is not level 4
    assert "中小企業診断士" in profile.other_qualifications  # the text itself is kept as written


def test_look_alikes_in_other_qualifications_tick_nothing(app, client, make_user, login_as):
    user_id = make_user(Role.CANDIDATE)
    login_as(user_id)
    data = dict(PROFILE, qualifications=[], other_qualifications="PMP、基本情報技術者試験、ネットワークスペシャリスト 勉強中")
    response = client.post("/candidates/profile", data=data, follow_redirects=True)
    assert "を認識しました" not in response.get_data(as_text=True)
    assert _profile(app, user_id).qualifications == []


def test_opt_in_exam_values_may_be_names(app, client, make_user, login_as):
    user_id = make_user(Role.CANDIDATE)
    login_as(user_id)
    response = client.post("/candidates/schemes/accelerator", data={
        "years_experience": "2", "exams": ["情報処理安全確保支援士試験", "pm"], "employment_forms": ["part_time"]})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        opt_in = db.session.scalar(sa.select(SchemeOptIn))
        assert sorted(opt_in.details["exams"]) == ["PM", "SC"]


def test_opt_in_rejects_an_exam_that_is_not_level_4(app, client, make_user, login_as):
    login_as(make_user(Role.CANDIDATE))
    response = client.post("/candidates/schemes/accelerator", data={
        "years_experience": "2", "exams": ["応用情報技術者試験"], "employment_forms": ["part_time"]})
    assert response.status_code == 400
    assert "IPA高度試験（レベル4）の9区分から選んでください。" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SchemeOptIn.id))) == 0
