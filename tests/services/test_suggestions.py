"""The bridge from database rows to the engine and back to Match rows."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    CandidateProfile,
    Match,
    MatchingChange,
    MatchStatus,
    Organisation,
    OrgKind,
    Role,
    User,
    Visibility,
)
from marketplace.postings import operations as postings
from marketplace.profiles import operations as profiles
from marketplace.suggestions import bridge as suggestions


def _candidate(make_user, app, *, years: int, exams: list[str], claims: bool = False, intro: str = "",
               skills: list[str] | None = None) -> int:
    user_id = make_user(Role.CANDIDATE)
    with app.app_context():
        user = db.session.get(User, user_id)
        profile = profiles.get_or_create_profile(user)
        profiles.update_profile(user, profile, profiles.ProfileData(
            display_name="候補者", residence_prefecture="39", work_prefectures=["39"], remote="either",
            available_from=None, hours_per_month=40, employment_forms=["part_time"], compensation_min=None,
            compensation_max=None, skills=skills or ["自治体DX", "BPR"], qualifications=[], other_qualifications="",
            self_intro=intro or "自治体の業務改革とDX推進計画の策定を支援してきました。", phone="",
            visibility=Visibility.COORDINATORS, careers=[]))
        profiles.set_opt_in(user, profile, "accelerator", {
            "years_experience": years, "exams": exams, "claims_equivalent": claims, "employment_forms": ["part_time"]})
        db.session.commit()
        return profile.id


def _position(app, org_id: int, coordinator_id: int, title: str = "DX推進計画の策定支援") -> int:
    with app.app_context():
        coordinator = db.session.get(User, coordinator_id)
        data = postings.PostingData(
            title=title, description="市町村のDX推進計画の策定と業務改革（BPR）を支援します。", prefecture_code="39",
            municipality_code=None, remote="either", skills=["自治体DX", "BPR"], deadline=None,
            extra={"capacity": 2, "employment_form": "part_time", "categories": ["internal_dx"]})
        posting = postings.create_posting(coordinator, db.session.get(Organisation, org_id), "accelerator",
                                          "position", data)
        postings.submit_for_review(coordinator, posting)
        postings.approve(coordinator, posting)
        db.session.commit()
        return posting.id


@pytest.fixture
def world(app, make_org, make_user):
    org = make_org("高知県", OrgKind.PREFECTURE, "39")
    coordinator = make_user(Role.COORDINATOR, area=(("accelerator",), ("39",)))
    return {"org": org, "coordinator": coordinator}


def test_refresh_stores_eligible_candidates_and_never_an_ineligible_one(app, make_user, world):
    eligible = _candidate(make_user, app, years=8, exams=[])
    examined = _candidate(make_user, app, years=1, exams=["PM"])
    ineligible = _candidate(make_user, app, years=3, exams=[])
    claims = _candidate(make_user, app, years=3, exams=[], claims=True)
    posting_id = _position(app, world["org"], world["coordinator"])
    with app.app_context():
        assert suggestions.refresh_all() > 0
        db.session.commit()
        rows = db.session.scalars(sa.select(Match).where(Match.posting_id == posting_id)
                                  .order_by(Match.score.desc())).all()
    by_profile = {m.candidate_profile_id: m for m in rows}
    assert ineligible not in by_profile
    assert {eligible, examined, claims} <= set(by_profile)
    assert by_profile[claims].flagged and "needs_review" in by_profile[claims].explanation["flagged"]
    assert not by_profile[eligible].flagged
    # Flagged candidates rank below every clearly eligible one.
    order = [m.candidate_profile_id for m in rows]
    assert order.index(claims) > max(order.index(eligible), order.index(examined))
    assert "自治体dx" in [s.lower() for s in by_profile[eligible].explanation["shared_skills"]]


def test_refresh_twice_makes_no_duplicates_and_keeps_decisions(app, make_user, world):
    profile_id = _candidate(make_user, app, years=8, exams=[])
    posting_id = _position(app, world["org"], world["coordinator"])
    with app.app_context():
        suggestions.refresh_all()
        db.session.commit()
        match = db.session.scalar(sa.select(Match).where(Match.candidate_profile_id == profile_id))
        match.status = MatchStatus.APPROVED
        match.score = 12.0
        db.session.commit()
        suggestions.refresh_all()
        suggestions.refresh_all()
        db.session.commit()
        rows = db.session.scalars(sa.select(Match).where(Match.posting_id == posting_id)).all()
        assert len(rows) == len({m.seeker_ref for m in rows}) == 1
        assert rows[0].status == MatchStatus.APPROVED and rows[0].score == 12.0


def test_incremental_updates_equal_a_full_refresh(app, make_user, world, drain_matching):
    _candidate(make_user, app, years=8, exams=[])
    posting_id = _position(app, world["org"], world["coordinator"])
    with app.app_context():
        suggestions.refresh_all()
        db.session.commit()
    # A new candidate and a new posting arrive; the matcher applies the queued changes.
    newcomer = _candidate(make_user, app, years=10, exams=["ST"], intro="DX推進計画の策定と業務改革の専門家です。")
    second = _position(app, world["org"], world["coordinator"], title="業務改革（BPR）支援")
    with app.app_context():
        assert drain_matching() > 0
        incremental = {(m.posting_id, m.seeker_ref) for m in db.session.scalars(sa.select(Match))}
        suggestions.refresh_all()
        db.session.commit()
        full = {(m.posting_id, m.seeker_ref) for m in db.session.scalars(sa.select(Match))}
    assert incremental == full
    assert (posting_id, f"c{newcomer}") in full and (second, f"c{newcomer}") in full


def test_closed_posting_loses_its_suggestions(app, make_user, world, drain_matching):
    _candidate(make_user, app, years=8, exams=[])
    posting_id = _position(app, world["org"], world["coordinator"])
    with app.app_context():
        suggestions.refresh_all()
        db.session.commit()
        from marketplace.models import CloseReason, Posting

        posting = db.session.get(Posting, posting_id)
        postings.close(db.session.get(User, world["coordinator"]), posting, CloseReason.WITHDRAWN)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Match.id))) == 1  # until the matcher drains
        drain_matching()
        assert db.session.scalar(sa.select(sa.func.count(Match.id))) == 0


def test_leaving_a_scheme_removes_the_candidates_suggestions(app, make_user, world, drain_matching):
    profile_id = _candidate(make_user, app, years=8, exams=[])
    _position(app, world["org"], world["coordinator"])
    with app.app_context():
        suggestions.refresh_all()
        db.session.commit()
        profile = db.session.get(CandidateProfile, profile_id)
        profiles.remove_opt_in(profile.user, profile, "accelerator")
        db.session.commit()
        drain_matching()
        assert db.session.scalar(sa.select(sa.func.count(Match.id))) == 0


def test_candidate_sees_suggestions_on_the_dashboard(app, client, make_user, world, login_as):
    profile_id = _candidate(make_user, app, years=8, exams=[])
    _position(app, world["org"], world["coordinator"], title="DX推進計画の策定支援（幡多）")
    with app.app_context():
        suggestions.refresh_all()
        db.session.commit()
        user_id = db.session.get(CandidateProfile, profile_id).user_id
    login_as(user_id)
    html = client.get("/candidates/").get_data(as_text=True)
    assert "DX推進計画の策定支援（幡多）" in html and "共通するスキル" in html


def test_match_refresh_command_reports_progress(app, runner, make_user, world):
    _candidate(make_user, app, years=8, exams=[])
    _position(app, world["org"], world["coordinator"])
    result = runner.invoke(args=["match", "refresh"])
    assert result.exit_code == 0, result.output
    assert "Scoring postings" in result.output and "stored 1 suggestions" in result.output
    with app.app_context():  # the rebuild covered every change queued before it
        assert db.session.scalar(sa.select(sa.func.count(MatchingChange.id))) == 0


def test_capacity_proposal_respects_open_places(app, client, make_user, world, login_as):
    """Three eligible candidates, one posting with two places: the proposal fills exactly two."""
    for years in (6, 8, 10):
        _candidate(make_user, app, years=years, exams=[])
    posting_id = _position(app, world["org"], world["coordinator"])
    with app.app_context():
        suggestions.refresh_all()
        db.session.commit()
        from marketplace.suggestions.proposals import propose

        coordinator = db.session.get(User, world["coordinator"])
        for mode in ("min_cost", "stable"):
            pairs = propose(coordinator, "accelerator", mode)
            assert len(pairs) == 2 and {p.posting.id for p in pairs} == {posting_id}
            assert len({p.match.seeker_ref for p in pairs}) == 2
    login_as(world["coordinator"])
    html = client.get("/coordination/proposal?scheme=accelerator&mode=stable").get_data(as_text=True)
    assert html.count("人材 #") == 2
    outsider = make_user(Role.COORDINATOR, area=(("accelerator",), ("13",)))
    client.post("/auth/logout")
    login_as(outsider)
    assert "人材 #" not in client.get("/coordination/proposal?scheme=accelerator").get_data(as_text=True)
