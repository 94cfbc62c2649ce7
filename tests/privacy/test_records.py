"""APPI records: disclosures with their consent, contact views, requests, export and the affected list."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import AuditEvent, CandidateProfile, DataRequest, DisclosureRecord, Match, User, Visibility
from marketplace.matches import operations as pipeline
from marketplace.privacy import records as privacy
from marketplace.profiles import operations as profiles


def _share_with_organisations(app, world) -> None:
    """The candidate widens the profile's visibility (the service records that consent)."""
    with app.app_context():
        profile = db.session.get(CandidateProfile, world.profile)
        user = profile.user
        data = profiles.ProfileData(
            display_name=user.display_name, residence_prefecture="39", work_prefectures=["39"], remote="either",
            available_from=None, hours_per_month=40, employment_forms=["part_time"], compensation_min=None,
            compensation_max=None, skills=["自治体DX"], qualifications=[], other_qualifications="",
            self_intro=profile.self_intro, phone=profile.phone, visibility=Visibility.VERIFIED_ORGS, careers=[])
        profiles.update_profile(user, profile, data)
        profiles.set_opt_in(user, profile, "accelerator", {"years_experience": 8, "exams": [],
                                                           "claims_equivalent": False, "employment_forms": []})
        db.session.commit()


def _introduce(app, world, match_id):
    with app.app_context():
        match = db.session.get(Match, match_id)
        pipeline.approve(db.session.get(User, world.coordinator), match)
        pipeline.respond(db.session.get(User, world.candidate), match, True)
        pipeline.respond(db.session.get(User, world.member), match, True)
        db.session.commit()


def test_introduction_records_each_sides_disclosure_with_its_consent(app, client, login_as, world, make_match,
                                                                      mailbox):
    match_id = make_match()
    _introduce(app, world, match_id)
    with app.app_context():
        record = db.session.scalar(sa.select(DisclosureRecord).where(
            DisclosureRecord.subject_user_id == world.candidate))
        assert record.recipient_label == "高知県" and set(record.fields) == {"display_name", "email", "phone"}
        assert record.consent_record_id is not None and record.basis == "consent:introduction"
        assert record.retain_until >= (record.created_at + timedelta(days=3 * 365)).date()
        assert db.session.scalar(sa.select(DisclosureRecord).where(
            DisclosureRecord.subject_user_id == world.member)).recipient_user_id == world.candidate
    login_as(world.candidate)
    exported = json.loads(client.get("/candidates/export.json").get_data(as_text=True))
    assert exported["disclosure_records"][0]["recipient"] == "高知県"
    page = client.get("/candidates/privacy").get_data(as_text=True)
    assert "高知県" in page and "紹介への同意" in page


def test_contact_views_are_audited_and_the_affected_command_lists_them(app, client, login_as, runner, world,
                                                                       make_match, mailbox):
    match_id = make_match()
    before = datetime.now(UTC) - timedelta(minutes=1)
    _introduce(app, world, match_id)
    login_as(world.member)
    assert "cand@example.jp" in client.get(f"/matches/{match_id}").get_data(as_text=True)
    with app.app_context():
        views = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.event == "contacts.viewed")).all()
        assert [v.actor_id for v in views] == [world.member]
        assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "auth.login",
                                                             AuditEvent.actor_id == world.member)) is not None
    result = runner.invoke(args=["audit", "affected", "--since", before.isoformat(), "--field", "phone"])
    assert result.exit_code == 0, result.output
    assert "cand@example.jp" in result.stdout and "pref@example.jp" in result.stdout
    later = runner.invoke(args=["audit", "affected", "--since", (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
                                "--field", "phone"])
    assert "cand@example.jp" not in later.stdout
    bad = runner.invoke(args=["audit", "affected", "--since", "yesterday", "--field", "phone"])
    assert bad.exit_code != 0


def test_stop_of_use_takes_effect_at_once_and_is_recorded(app, client, login_as, world, make_match, make_org,
                                                           make_user):
    pending = make_match()
    _share_with_organisations(app, world)
    login_as(world.member)
    assert client.get(f"/organisations/candidates/{world.profile}").status_code == 200
    client.post("/auth/logout")
    login_as(world.coordinator)
    assert "山田 花子" in client.get("/coordination/candidates").get_data(as_text=True)
    assert "山田 花子" in client.get("/coordination/csv/candidates.csv").get_data(as_text=True)
    client.post("/auth/logout")
    login_as(world.candidate)
    assert client.post("/candidates/privacy/stop").status_code == 302
    with app.app_context():
        assert db.session.get(Match, pending) is None, "suggestions under review are withdrawn"
        assert db.session.get(CandidateProfile, world.profile).use_stopped_at is not None
        assert db.session.scalar(sa.select(DataRequest.kind).where(DataRequest.user_id == world.candidate)) == "stop_use"
    client.post("/auth/logout")
    login_as(world.member)
    assert client.get(f"/organisations/candidates/{world.profile}").status_code == 404
    assert "山田 花子" not in client.get("/organisations/candidates").get_data(as_text=True)
    client.post("/auth/logout")
    login_as(world.coordinator)
    assert client.get(f"/coordination/candidates/{world.profile}").status_code == 404
    assert "山田 花子" not in client.get("/coordination/candidates").get_data(as_text=True)
    assert "山田 花子" not in client.get("/coordination/csv/candidates.csv").get_data(as_text=True)
    client.post("/auth/logout")
    login_as(world.candidate)
    client.post("/candidates/privacy/resume")
    client.post("/auth/logout")
    login_as(world.member)
    assert client.get(f"/organisations/candidates/{world.profile}").status_code == 200


def test_profile_views_by_an_organisation_are_recorded_once_a_day(app, client, login_as, world):
    _share_with_organisations(app, world)
    login_as(world.member)
    client.get(f"/organisations/candidates/{world.profile}")
    client.get(f"/organisations/candidates/{world.profile}")
    with app.app_context():
        rows = db.session.scalars(sa.select(DisclosureRecord).where(
            DisclosureRecord.basis == "consent:profile_visibility")).all()
        # what the page showed beyond the summary: by default career and self-introduction, not the name
        assert len(rows) == 1 and rows[0].fields == ["profile", "career", "self_intro"]
        assert rows[0].consent_record_id is not None


def test_correction_requests_need_text_and_are_kept(app, client, login_as, world):
    login_as(world.candidate)
    refused = client.post("/candidates/privacy/correction", data={"note": "   "})
    assert refused.status_code == 400 and "入力してください" in refused.get_data(as_text=True)
    assert client.post("/candidates/privacy/correction", data={"note": "メールアドレスの綴りが違います"}).status_code == 302
    with app.app_context():
        request = db.session.scalar(sa.select(DataRequest).where(DataRequest.kind == "correction"))
        assert request.status == "open" and request.user_id == world.candidate


def test_records_outlive_the_account_without_pointing_at_the_person(app, world, make_match, mailbox):
    match_id = make_match()
    _introduce(app, world, match_id)
    with app.app_context():
        key = privacy.subject_key(world.candidate)
        user = db.session.get(User, world.candidate)
        profiles.delete_account(user, user)
        db.session.commit()
        record = db.session.scalar(sa.select(DisclosureRecord).where(DisclosureRecord.subject_key == key))
        assert record is not None and record.subject_user_id is None
        assert db.session.scalar(sa.select(DataRequest.kind).where(DataRequest.user_id.is_(None))) == "deletion"
        affected = privacy.affected(datetime.now(UTC) - timedelta(days=1), "email")
        assert key in {a.subject for a in affected} and "cand@example.jp" not in {a.subject for a in affected}
