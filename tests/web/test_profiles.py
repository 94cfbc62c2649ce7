"""Candidate profiles: building one in the browser, scheme opt-ins, visibility, export and deletion."""
from __future__ import annotations

import json

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import AuditEvent, CandidateProfile, ConsentRecord, FieldVisibility, OrgKind, Role, SchemeOptIn, User

PROFILE = {
    "display_name": "山田 花子", "residence_prefecture": "13", "work_prefectures": ["39", "38"], "remote": "remote",
    "available_from": "2027-01-04", "hours_per_month": "40", "employment_forms": ["part_time", "side_job"],
    "compensation_min": "50000", "compensation_max": "300000", "skills": "自治体DX、Python，BPR, Python",
    "qualifications": ["PM", "SC"], "other_qualifications": "中小企業診断士",
    "self_intro": "SIerで15年、自治体の基幹システム標準化とBPRを担当してきました。地方の役場の業務改善に関わりたいと考えています。",
    "phone": "090-1234-5678", "visibility": "verified_orgs",
    "careers-0-organisation": "株式会社サンプル", "careers-0-role": "プロジェクトマネージャー", "careers-0-years": "15",
    "careers-0-description": "自治体向け基幹系システム",
    "careers-1-organisation": "", "careers-1-role": "",
}


def _profile(app, user_id) -> CandidateProfile:
    with app.app_context():
        profile = db.session.scalar(sa.select(CandidateProfile).where(CandidateProfile.user_id == user_id))
        profile.careers, profile.opt_ins  # load before detaching
        db.session.expunge_all()
        return profile


def test_candidate_builds_a_full_profile_and_opts_into_two_schemes(app, client, make_user, login_as):
    user_id = make_user(Role.CANDIDATE)
    login_as(user_id)
    before = client.get("/candidates/").get_data(as_text=True)
    assert "スキル" in before and "参加する制度" in before  # the completeness indicator lists what is missing
    response = client.post("/candidates/profile", data=PROFILE)
    assert response.status_code == 302, response.get_data(as_text=True)
    profile = _profile(app, user_id)
    assert profile.skills == ["自治体DX", "Python", "BPR"]  # duplicates dropped, 、，, separators all work
    assert profile.work_prefectures == ["39", "38"] and profile.qualifications == ["PM", "SC"]
    assert [(c.organisation, c.years) for c in profile.careers] == [("株式会社サンプル", 15.0)]

    assert client.post("/candidates/schemes/accelerator", data={
        "years_experience": "15", "exams": ["PM"], "employment_forms": ["part_time"]}).status_code == 302
    assert client.post("/candidates/schemes/side_job", data={
        "hours_per_month": "20", "monthly_fee_min": "50000", "missions": ["dx"], "employment_forms": ["side_job"],
    }).status_code == 302
    profile = _profile(app, user_id)
    assert {o.scheme: o.details["employment_forms"] for o in profile.opt_ins} == {
        "accelerator": ["part_time"], "side_job": ["side_job"]}
    dashboard = client.get("/candidates/").get_data(as_text=True)
    assert "100%" in dashboard


def test_startup_scheme_is_not_open_to_individuals(client, make_user, login_as):
    login_as(make_user(Role.CANDIDATE))
    assert client.get("/candidates/schemes/startup").status_code == 404
    assert client.get("/candidates/schemes/unknown").status_code == 404


def test_opt_in_validation_messages_are_japanese(app, client, make_user, login_as):
    user_id = make_user(Role.CANDIDATE)
    login_as(user_id)
    response = client.post("/candidates/schemes/accelerator", data={"years_experience": "-1"})
    assert response.status_code == 400
    assert "0〜60の範囲で入力してください。" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SchemeOptIn.id))) == 0


def test_profile_keeps_saved_data_when_new_input_is_bad(app, client, make_user, login_as):
    user_id = make_user(Role.CANDIDATE)
    login_as(user_id)
    client.post("/candidates/profile", data=PROFILE)
    bad = dict(PROFILE, compensation_min="400000", compensation_max="100000", self_intro="書き換え")
    response = client.post("/candidates/profile", data=bad)
    assert response.status_code == 400
    assert "報酬の下限が上限を超えています。" in response.get_data(as_text=True)
    assert _profile(app, user_id).self_intro == PROFILE["self_intro"]
    control = dict(PROFILE, self_intro="悪い\u202e文字")
    assert client.post("/candidates/profile", data=control).status_code == 400
    assert _profile(app, user_id).self_intro == PROFILE["self_intro"]


def test_visibility_decides_who_can_list_the_profile(app, client, make_user, make_org, login_as):
    candidate = make_user(Role.CANDIDATE)
    login_as(candidate)
    client.post("/candidates/profile", data=dict(PROFILE, visibility="coordinators"))
    client.post("/auth/logout")
    verified_member = make_user(Role.MEMBER, org_id=make_org("確認済み", OrgKind.FIRM, "39"))
    unverified_member = make_user(Role.MEMBER, org_id=make_org("未確認", OrgKind.FIRM, "39", verified=False))
    profile_id = _profile(app, candidate).id

    login_as(verified_member)
    assert "山田 花子" not in client.get("/organisations/candidates").get_data(as_text=True)
    assert client.get(f"/organisations/candidates/{profile_id}").status_code == 404
    client.post("/auth/logout")

    with app.app_context():
        db.session.execute(sa.update(CandidateProfile).values(visibility="verified_orgs"))
        db.session.commit()
    login_as(verified_member)
    page = client.get(f"/organisations/candidates/{profile_id}").get_data(as_text=True)
    # the name is for coordinators only by default; contacts wait for an introduction
    assert "自治体DX" in page and "山田 花子" not in page and "090-1234-5678" not in page
    assert "お名前（表示名）" in page  # the page says what is kept back
    client.post("/auth/logout")
    with app.app_context():
        db.session.execute(sa.update(CandidateProfile).values(name_visibility=FieldVisibility.VERIFIED_ORGS))
        db.session.commit()
    login_as(verified_member)
    page = client.get(f"/organisations/candidates/{profile_id}").get_data(as_text=True)
    assert "山田 花子" in page and "090-1234-5678" not in page
    client.post("/auth/logout")
    login_as(unverified_member)
    assert client.get(f"/organisations/candidates/{profile_id}").status_code == 404
    client.post("/auth/logout")

    with app.app_context():
        db.session.execute(sa.update(CandidateProfile).values(visibility="public_summary"))  # name stays narrower
        db.session.commit()
    login_as(unverified_member)
    page = client.get(f"/organisations/candidates/{profile_id}").get_data(as_text=True)
    assert "自治体DX" in page and "山田 花子" not in page and "090-1234-5678" not in page


def test_visibility_choice_is_recorded_as_consent(app, client, make_user, login_as):
    user_id = make_user(Role.CANDIDATE)
    login_as(user_id)
    client.post("/candidates/profile", data=PROFILE)
    client.post("/candidates/profile", data=dict(PROFILE, visibility="public_summary"))
    with app.app_context():
        values = db.session.scalars(sa.select(ConsentRecord.value).where(ConsentRecord.user_id == user_id)
                                    .order_by(ConsentRecord.id)).all()
    assert values == ["verified_orgs", "public_summary"]


def test_candidate_downloads_all_their_data(client, make_user, login_as):
    login_as(make_user(Role.CANDIDATE))
    client.post("/candidates/profile", data=PROFILE)
    client.post("/candidates/schemes/succession", data={"industries": ["retail"], "funds_band": "lt_5m"})
    response = client.get("/candidates/export.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["phone"] == "090-1234-5678"
    assert data["profile"]["careers"][0]["organisation"] == "株式会社サンプル"
    assert data["profile"]["schemes"]["succession"]["funds_band"] == "lt_5m"
    assert data["consents"][0]["kind"] == "profile_visibility"


def test_deleting_the_account_erases_personal_data_and_keeps_an_anonymous_audit(app, client, make_user, login_as):
    user_id = make_user(Role.CANDIDATE, email="leaving@example.jp")
    login_as(user_id)
    client.post("/candidates/profile", data=PROFILE)
    response = client.post("/candidates/delete", data={"confirm": "いいえ"})
    assert response.status_code == 400
    assert client.post("/candidates/delete", data={"confirm": "削除"}).status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id) is None
        assert db.session.scalar(sa.select(sa.func.count(CandidateProfile.id))) == 0
        events = db.session.scalars(sa.select(AuditEvent)).all()
        assert sorted(e.event for e in events) == ["account.deleted", "auth.login"]
        for event in events:
            assert event.actor_id is None
            assert "leaving" not in json.dumps(event.detail) + event.subject
            assert event.subject != f"user:{user_id}"
        assert all(c.user_id is None for c in db.session.scalars(sa.select(ConsentRecord)))
    assert client.get("/candidates/").status_code == 302  # logged out
