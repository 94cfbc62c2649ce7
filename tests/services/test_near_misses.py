""""Why not yet" rows: written where suggestions are stored (the matcher's apply path and full
rebuilds), read by pages, removed with the person."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import CandidateProfile, NearMiss
from marketplace.suggestions import near_misses, bridge as suggestions
from marketplace.privacy import records as privacy
from marketplace.profiles import operations as profiles
from marketplace.suggestions.matcher import Matcher
from tests.matcher import world as matcher_world
from tests.services.test_suggestions import _candidate, _position, world  # noqa: F401


def test_refresh_all_stores_the_rule_in_the_way(app, make_user, world):  # noqa: F811
    ineligible = _candidate(make_user, app, years=3, exams=[])
    eligible = _candidate(make_user, app, years=8, exams=[])
    posting_id = _position(app, world["org"], world["coordinator"])
    with app.app_context():
        suggestions.refresh_all()
        db.session.commit()
        [row] = near_misses.for_profile(ineligible)
        assert row.posting_id == posting_id and row.scheme == "accelerator" and row.seeker_ref == f"c{ineligible}"
        assert [r["code"] for r in row.rules] == ["not_eligible"]
        assert near_misses.sentences(row) == ["実務経験5年以上、またはIPA高度試験の合格が必要です（現在3年）"]
        assert near_misses.for_profile(eligible) == []


def _set_exams(profile_id: int, exams: list[str]) -> None:
    profile = db.session.get(CandidateProfile, profile_id)
    profiles.set_opt_in(profile.user, profile, "accelerator", {**profile.opt_in("accelerator").details, "exams": exams})
    db.session.commit()


def test_the_matcher_recomputes_a_seekers_rows_when_it_applies_the_change(app, make_user, world,  # noqa: F811
                                                                           drain_matching):
    profile_id = _candidate(make_user, app, years=3, exams=[])
    _position(app, world["org"], world["coordinator"])
    with app.app_context():
        drain_matching()
        assert len(near_misses.for_profile(profile_id)) == 1
        _set_exams(profile_id, ["SC"])
        assert len(near_misses.for_profile(profile_id)) == 1  # the web request only queued the change
        drain_matching()
        assert near_misses.for_profile(profile_id) == []  # now eligible: a suggestion, not a near miss
        _set_exams(profile_id, [])
        drain_matching()
        assert len(near_misses.for_profile(profile_id)) == 1
        profile = db.session.get(CandidateProfile, profile_id)
        profiles.remove_opt_in(profile.user, profile, "accelerator")
        db.session.commit()
        drain_matching()
        assert near_misses.for_profile(profile_id) == []  # left the scheme
    assert {fk.column.table.name: fk.ondelete for fk in NearMiss.__table__.foreign_keys} == {
        "candidate_profiles": "CASCADE", "postings": "CASCADE"}


def test_a_full_refresh_recomputes_every_row(app, make_user, world):  # noqa: F811
    profile_id = _candidate(make_user, app, years=3, exams=[])
    _position(app, world["org"], world["coordinator"])
    with app.app_context():
        suggestions.refresh_all()
        db.session.commit()
        [row] = near_misses.for_profile(profile_id)
        db.session.delete(row)
        db.session.add(NearMiss(seeker_ref="c0", candidate_profile_id=profile_id, posting_id=row.posting_id,
                                scheme="side_job", rules=[], score=1.0))
        db.session.commit()
        suggestions.refresh_all()
        db.session.commit()
        rows = near_misses.for_profile(profile_id)
        assert [(r.scheme, [g["code"] for g in r.rules]) for r in rows] == [("accelerator", ["not_eligible"])]


@pytest.mark.parametrize("erase", ["stop_use", "delete_account"])
def test_near_misses_are_erased_with_the_person(app_ctx, erase):
    coordinator, org = matcher_world.coordinator_and_org()
    erased = matcher_world.candidate(1, years=3)
    other = matcher_world.candidate(2, years=3)
    matcher_world.position(coordinator, org)
    db.session.commit()
    matcher = Matcher(name="m1", greedy=True)
    matcher.drain()
    assert near_misses.for_profile(erased) and near_misses.for_profile(other)
    user = db.session.get(CandidateProfile, erased).user
    if erase == "stop_use":
        privacy.stop_use(user)
    else:
        profiles.delete_account(user, user)
    db.session.commit()
    # Gone in the request's own transaction, before any matcher runs.
    assert db.session.scalar(sa.select(sa.func.count(NearMiss.id)).where(NearMiss.candidate_profile_id == erased)) == 0
    matcher.drain()
    matcher_world.position(coordinator, org, title="業務改革（BPR）とDX推進の支援")
    db.session.commit()
    matcher.drain()
    suggestions.refresh_all()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(NearMiss.id)).where(NearMiss.candidate_profile_id == erased)) == 0
    assert near_misses.for_profile(other)


def test_sentences_in_english_and_private_fee(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from flask_babel import force_locale
        with force_locale("en"):
            text = near_misses.sentence({"code": "location_mismatch", "params": {
                "posting_prefecture": "39", "seeker_remote": "remote", "posting_remote": "onsite"}}, language="en")
            assert "On-site work" in text and "remote only" in text
    with app.test_request_context():
        fee = {"code": "fee_above_budget", "params": {"fee_min": 900000, "budget_max": 500000}}
        assert "900,000" in near_misses.sentence(fee, own=True)
        assert "900,000" not in near_misses.sentence(fee, own=False) and "500,000" in near_misses.sentence(fee, own=False)
        assert near_misses.sentence({"code": "location_mismatch", "params": {
            "posting_prefecture": "39", "seeker_remote": "remote", "posting_remote": "onsite"}}) \
            == "高知県での現地勤務が必要です（希望: リモートのみ）"


def test_candidate_dashboard_and_coordinator_view_show_why_not_yet(app, client, make_user, world, login_as):  # noqa: F811
    profile_id = _candidate(make_user, app, years=3, exams=[])
    _position(app, world["org"], world["coordinator"], title="DX推進計画の策定支援（幡多）")
    with app.app_context():
        suggestions.refresh_all()
        db.session.commit()
        user_id = db.session.get(CandidateProfile, profile_id).user_id
    login_as(user_id)
    html = client.get("/candidates/").get_data(as_text=True)
    assert "もう少しで対象になる募集" in html and "DX推進計画の策定支援（幡多）" in html
    assert "実務経験5年以上、またはIPA高度試験の合格が必要です（現在3年）" in html
    client.post("/auth/logout")
    login_as(world["coordinator"])
    response = client.get(f"/coordination/candidates/{profile_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "もう少しで対象になる募集" in html and "（現在3年）" in html


def test_a_postings_change_recomputes_the_near_misses_it_affects(app_ctx):
    from marketplace.models import CloseReason, Posting
    from marketplace.postings import operations as postings

    coordinator, org = matcher_world.coordinator_and_org()
    profile_id = matcher_world.candidate(1, years=3)
    db.session.commit()
    matcher = Matcher(name="m1", greedy=True)
    matcher.drain()
    assert near_misses.for_profile(profile_id) == []  # nothing posted yet

    posting_id = matcher_world.position(coordinator, org)  # only the posting changes now
    db.session.commit()
    matcher.drain()
    [row] = near_misses.for_profile(profile_id)
    assert row.posting_id == posting_id and [r["code"] for r in row.rules] == ["not_eligible"]

    before = row.score
    posting = db.session.get(Posting, posting_id)
    data = postings.PostingData(
        title="観光案内所の多言語対応", description="観光案内所の窓口を多言語で案内できるようにします。",
        prefecture_code="39", municipality_code=None, remote="either", skills=["観光"], deadline=None,
        extra={"capacity": 2, "employment_form": "part_time", "categories": ["internal_dx"]})
    postings.update_posting(coordinator, posting, data)
    db.session.commit()
    matcher.drain()
    after = db.session.scalars(sa.select(NearMiss.score).where(NearMiss.posting_id == posting_id)).all()
    assert after != [before]  # recomputed from the new text: a lower fit, or none left

    postings.close(coordinator, db.session.get(Posting, posting_id), CloseReason.WITHDRAWN)
    db.session.commit()
    matcher.drain()
    assert db.session.scalar(sa.select(sa.func.count(NearMiss.id)).where(NearMiss.posting_id == posting_id)) == 0
