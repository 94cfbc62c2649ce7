"""The change log: queued with the change itself, applied by the matcher, erasure included."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    CandidateProfile, ChangeKind, Match, MatchingChange, MatchingPartition, MatchStatus, Posting, Role, User,
)
from marketplace.privacy import records as privacy
from marketplace.profiles import operations as profiles
from marketplace.suggestions import bridge as suggestions
from marketplace.suggestions.matcher import LostPartition, Matcher
from marketplace.suggestions.queue import candidate_schemes
from tests.matcher import world


def _rows() -> set[tuple[int, str]]:
    return {(m.posting_id, m.seeker_ref) for m in db.session.scalars(sa.select(Match))}


def _queued() -> int:
    return db.session.scalar(sa.select(sa.func.count(MatchingChange.id))) or 0


def test_a_change_is_queued_if_and_only_if_it_commits(app_ctx):
    coordinator, org = world.coordinator_and_org()
    db.session.commit()
    world.candidate(1)
    db.session.rollback()
    assert _queued() == 0
    profile_id = world.candidate(2)
    world.position(coordinator, org)
    db.session.commit()
    kinds = set(db.session.execute(sa.select(MatchingChange.kind, MatchingChange.ref_id, MatchingChange.scheme)))
    assert {(ChangeKind.PROFILE, profile_id, s) for s in candidate_schemes()} <= kinds
    assert any(kind == ChangeKind.POSTING for kind, _ref, _scheme in kinds)
    assert db.session.scalar(sa.select(sa.func.count(Match.id))) == 0  # nothing scored in the request


def test_the_matcher_applies_changes_and_keeps_coordinators_decisions(app_ctx):
    coordinator, org = world.coordinator_and_org()
    first = world.candidate(1)
    posting_id = world.position(coordinator, org)
    db.session.commit()
    matcher = Matcher(name="m1", greedy=True)
    assert matcher.drain() > 0
    assert _queued() == 0
    assert (posting_id, f"c{first}") in _rows()
    match = db.session.scalar(sa.select(Match).where(Match.seeker_ref == f"c{first}"))
    match.status, match.score = MatchStatus.APPROVED, 12.0
    db.session.commit()
    second = world.candidate(2)
    profile = db.session.get(CandidateProfile, first)
    profiles.update_profile(profile.user, profile, profiles.ProfileData(
        display_name="候補者1", residence_prefecture="39", work_prefectures=["39"], remote="either",
        available_from=None, hours_per_month=40, employment_forms=["part_time"], compensation_min=None,
        compensation_max=None, skills=["自治体DX"], qualifications=[], other_qualifications="",
        self_intro="別の紹介文です。自治体DX。", phone="", visibility=profile.visibility, careers=[]))
    db.session.commit()
    matcher.drain()
    kept = db.session.scalar(sa.select(Match).where(Match.seeker_ref == f"c{first}"))
    assert kept.status == MatchStatus.APPROVED and kept.score == 12.0
    assert (posting_id, f"c{second}") in _rows()
    # The same result as a full rebuild from scratch: nothing lost, nothing twice.
    incremental = _rows()
    suggestions.refresh_all()
    db.session.commit()
    assert _rows() == incremental


@pytest.mark.parametrize("erase", ["stop_use", "delete_account"])
def test_an_erased_person_leaves_the_engine_and_is_never_suggested_again(app_ctx, erase):
    coordinator, org = world.coordinator_and_org()
    erased = world.candidate(1)
    other = world.candidate(2)
    world.position(coordinator, org)
    db.session.commit()
    matcher = Matcher(name="m1", greedy=True)
    matcher.drain()
    assert {f"c{erased}", f"c{other}"} <= {ref for _p, ref in _rows()}
    engine = matcher.engines["accelerator"]
    assert engine.seeker(f"c{erased}:accelerator")
    user = db.session.get(CandidateProfile, erased).user
    if erase == "stop_use":
        privacy.stop_use(user)
    else:
        profiles.delete_account(user, user)
    db.session.commit()
    matcher.drain()
    with pytest.raises(KeyError):
        engine.seeker(f"c{erased}:accelerator")  # the long-lived engine forgot the person
    assert db.session.scalar(sa.select(sa.func.count(Match.id)).where(Match.seeker_ref == f"c{erased}")) == 0
    # New needs arrive and everything is scored again: the person never comes back.
    world.position(coordinator, org, title="業務改革（BPR）とDX推進の支援")
    db.session.commit()
    matcher.drain()
    suggestions.refresh_all()
    db.session.commit()
    refs = {ref for _p, ref in _rows()}
    assert f"c{erased}" not in refs and f"c{other}" in refs


def test_a_posting_change_never_writes_back_a_person_stopped_since_the_last_drain(app_ctx):
    coordinator, org = world.coordinator_and_org()
    erased = world.candidate(1)
    posting_id = world.position(coordinator, org)
    db.session.commit()
    matcher = Matcher(name="m1", greedy=True)
    matcher.drain()
    privacy.stop_use(db.session.get(CandidateProfile, erased).user)
    db.session.commit()
    # Only the posting's change is applied first (the engine still holds the person).
    db.session.execute(sa.delete(MatchingChange).where(MatchingChange.kind == ChangeKind.PROFILE))
    from marketplace.models import Posting
    from marketplace.suggestions.queue import record_posting

    record_posting(db.session.get(Posting, posting_id))
    db.session.commit()
    matcher.drain()
    assert f"c{erased}" not in {ref for _p, ref in _rows()}


def test_an_abandoned_claim_is_taken_again_after_its_lease(app_ctx):
    coordinator, org = world.coordinator_and_org()
    people = [world.candidate(i) for i in range(3)]
    posting_id = world.position(coordinator, org)
    db.session.commit()
    dead = Matcher(name="dead", lease_seconds=1.5, greedy=True)
    dead.balance()
    token, rows = dead.claim("accelerator")
    assert rows  # claimed, then the process "dies" without applying them
    survivor = Matcher(name="survivor", lease_seconds=1.5, greedy=True)
    assert "accelerator" not in survivor.balance()  # still leased by the dead one
    time.sleep(1.6)
    survivor.drain()
    assert _queued() == 0
    assert {(posting_id, f"c{p}") for p in people} <= _rows()
    # The dead matcher wakes up: its lease is gone and it may not write.
    with pytest.raises(LostPartition):
        dead.apply("accelerator", token, rows)


def test_two_matchers_split_the_schemes_and_a_survivor_takes_all(app_ctx):
    a = Matcher(name="a", lease_seconds=1.5)
    b = Matcher(name="b", lease_seconds=1.5)
    assert len(a.balance()) == 5  # alone: every scheme
    assert b.balance() == []  # all taken; a must give some back first
    owned_a = a.balance()
    owned_b = b.balance()
    assert len(owned_a) == 3 and len(owned_b) == 2 and not set(owned_a) & set(owned_b)
    owners = {scheme: owner for scheme, owner in db.session.execute(
        sa.select(MatchingPartition.scheme, MatchingPartition.owner))}
    assert owners == {**{s: "a" for s in owned_a}, **{s: "b" for s in owned_b}}
    time.sleep(1.6)  # a dies: within one lease its heartbeat and its partitions expire
    assert len(b.balance()) == 5


def test_the_daily_refresh_queues_a_rebuild_that_the_matcher_runs(app_ctx):
    from marketplace.scheduler.jobs import refresh_suggestions

    coordinator, org = world.coordinator_and_org()
    profile_id = world.candidate(1)
    posting_id = world.position(coordinator, org)
    db.session.commit()
    db.session.execute(sa.delete(MatchingChange))
    db.session.commit()
    refresh_suggestions()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(MatchingChange.id)).where(
        MatchingChange.kind == ChangeKind.REBUILD)) >= 5
    assert Matcher(name="m", greedy=True).drain() >= 5
    assert (posting_id, f"c{profile_id}") in _rows()


def test_deactivating_a_candidate_is_a_change_too(app_ctx):
    coordinator, org = world.coordinator_and_org()
    profile_id = world.candidate(1)
    world.position(coordinator, org)
    db.session.commit()
    Matcher(name="m", greedy=True).drain()
    user = db.session.get(User, db.session.get(CandidateProfile, profile_id).user_id)
    user.active = False  # as the admin page does, which records the change (tests/web)
    from marketplace.suggestions.queue import record_profile

    record_profile(profile_id)
    db.session.commit()
    Matcher(name="m", greedy=True).drain()
    assert f"c{profile_id}" not in {ref for _p, ref in _rows()}


@pytest.mark.parametrize("locale, updating, computed", [
    ("ja", "おすすめを更新しています", "提案の最終計算"),
    ("en", "Your suggestions are being updated", "Suggestions last computed"),
])
def test_a_persons_page_says_their_suggestions_are_being_updated_until_the_matcher_ran(
        app, client, make_user, login_as, drain_matching, locale, updating, computed):
    user_id = make_user(Role.CANDIDATE, locale=locale)
    with app.app_context():
        user = db.session.get(User, user_id)
        coordinator, org = world.coordinator_and_org()
        world.position(coordinator, org)
        profile = profiles.get_or_create_profile(user)
        db.session.commit()
    login_as(user_id)
    page = client.get("/candidates/").get_data(as_text=True)
    assert updating not in page and computed not in page
    with app.app_context():
        user = db.session.get(User, user_id)
        profile = profiles.get_or_create_profile(user)
        profiles.update_profile(user, profile, profiles.ProfileData(
            display_name="候補者", residence_prefecture="39", work_prefectures=["39"], remote="either",
            available_from=None, hours_per_month=40, employment_forms=["part_time"], compensation_min=None,
            compensation_max=None, skills=["自治体DX"], qualifications=[], other_qualifications="",
            self_intro="自治体DXの推進。", phone="", visibility=profile.visibility, careers=[]))
        db.session.commit()
    page = client.get("/candidates/").get_data(as_text=True)
    assert updating in page and computed not in page
    drain_matching()
    page = client.get("/candidates/").get_data(as_text=True)
    assert updating not in page and computed in page
    # The posting's managers see when its suggestions were computed too.
    with app.app_context():
        posting_id = db.session.scalar(sa.select(Posting.id))
        coordinator_id = db.session.scalar(sa.select(User.id).where(User.email == "coordinator@example.jp"))
    client.post("/auth/logout")
    login_as(coordinator_id)
    assert "提案の最終計算" in client.get(f"/postings/{posting_id}").get_data(as_text=True)


def test_a_fit_longer_than_the_lease_still_applies_the_changes(app_ctx, monkeypatch):
    """At scale a fit takes longer than the lease; the matcher must not lose its partition for it."""
    coordinator, org = world.coordinator_and_org()
    person = world.candidate(1)
    posting_id = world.position(coordinator, org)
    db.session.commit()
    real_fit = suggestions.fit_scheme

    def slow_fit(scheme):
        engine = real_fit(scheme)
        time.sleep(1.2)  # past the 0.5 s lease below
        return engine

    monkeypatch.setattr(suggestions, "fit_scheme", slow_fit)
    matcher = Matcher(name="slow", lease_seconds=0.5, greedy=True, schemes=["accelerator"])
    report = matcher.step()
    assert report.lost == 0
    assert report.changes > 0
    assert (posting_id, f"c{person}") in _rows()


def test_the_matcher_records_when_it_fitted_each_partition(app_ctx):
    from marketplace.models import MatchingPartition, utcnow

    coordinator, org = world.coordinator_and_org()
    world.candidate(1)
    world.position(coordinator, org)
    db.session.commit()
    before = utcnow()
    Matcher(name="m1", greedy=True, schemes=["accelerator", "side_job"]).step()
    fitted = dict(db.session.execute(sa.select(MatchingPartition.scheme, MatchingPartition.fitted_at)).all())
    assert {s for s, at in fitted.items() if at is not None} == {"accelerator", "side_job"}
    assert all(at >= before.replace(tzinfo=at.tzinfo) for at in fitted.values() if at is not None)


def test_fits_that_add_up_past_the_lease_keep_every_partition_and_fit_each_once(app_ctx, monkeypatch):
    """The first round fits its schemes one after another; at scale they add up past the lease.
    A partition whose lease ran out while another was fitted, and that nobody took meanwhile, is
    still this matcher's: it must not be forgotten and fitted again (a refit cascade that kept
    suggestions stale for tens of seconds at 100k candidates)."""
    coordinator, org = world.coordinator_and_org()
    person = world.candidate(1)
    posting_id = world.position(coordinator, org)
    db.session.commit()
    real_fit = suggestions.fit_scheme
    fits: list[str] = []

    def slow_fit(scheme):
        fits.append(scheme)
        engine = real_fit(scheme)
        time.sleep(0.4)  # three of them: 1.2 s, twice the 0.6 s lease below
        return engine

    monkeypatch.setattr(suggestions, "fit_scheme", slow_fit)
    # accelerator (fitted first) has an engine; the two empty schemes are fitted again with every
    # batch by design (an empty side reads everything at its next batch), which only adds fit time.
    schemes = ["accelerator", "adviser", "side_job"]
    matcher = Matcher(name="slow", lease_seconds=0.6, schemes=schemes)
    first = matcher.step()
    engine = matcher.engines["accelerator"]
    assert engine is not None
    world.candidate(2)  # a change to apply in the second round
    db.session.commit()
    second = matcher.step()
    assert first.lost == second.lost == 0
    assert fits.count("accelerator") == 1 and matcher.engines["accelerator"] is engine
    assert sorted(first.partitions) == sorted(second.partitions) == schemes
    assert second.changes > 0
    assert (posting_id, f"c{person}") in _rows()
    # Another matcher that finds a lease run out may still take the partition; then it is gone here.
    time.sleep(0.7)
    other = Matcher(name="other", lease_seconds=0.6, schemes=["accelerator"], greedy=True)
    assert other.balance() == ["accelerator"]
    assert "accelerator" not in matcher.step().partitions
    assert "accelerator" not in matcher.engines
