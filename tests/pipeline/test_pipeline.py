"""Queue, bulk review, moving to an outcome, capacity, follow-ups and overdue next steps."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import FollowUp, Match, MatchStatus, Posting, PostingStatus, User
from marketplace.matches import operations as pipeline
from marketplace.core.domain_errors import DomainError, InvalidTransition, PermissionDenied


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def _introduce(world, match: Match) -> None:
    pipeline.approve(_user(world.coordinator), match)
    pipeline.respond(_user(world.candidate), match, True, nda_accepted=True)
    poster = world.firm_member if match.posting_id == world.case else world.member
    pipeline.respond(_user(poster), match, True)


def test_queue_lists_interest_first_then_score_and_filters(app, client, login_as, world, make_match):
    low, high = make_match(score=0.3), make_match(world.case, scheme="succession", score=0.9)
    with app.app_context():
        pipeline.express_interest(_user(world.candidate), db.session.get(Match, low))
        db.session.commit()
        query = pipeline.review_queue(_user(world.coordinator), pipeline.QueueFilters())
        assert [m.id for m in db.session.scalars(query)] == [low, high]
        flt = pipeline.QueueFilters(min_score=0.5)
        assert [m.id for m in db.session.scalars(pipeline.review_queue(_user(world.coordinator), flt))] == [high]
        flt = pipeline.QueueFilters(scheme="accelerator")
        assert [m.id for m in db.session.scalars(pipeline.review_queue(_user(world.coordinator), flt))] == [low]
        assert list(db.session.scalars(pipeline.review_queue(_user(world.other_coordinator),
                                                             pipeline.QueueFilters()))) == []
    login_as(world.coordinator)
    page = client.get("/coordination/matches?flag=interest").get_data(as_text=True)
    assert "DX推進計画の策定支援" in page and "創業80年" not in page
    assert client.get("/coordination/matches?min_score=abc&scheme=<x>").status_code == 200


def test_bulk_applies_to_own_area_only_and_needs_a_reason_to_reject(app, client, login_as, world, make_match,
                                                                    mailbox):
    first, second = make_match(score=0.4), make_match(world.case, scheme="succession", score=0.5)
    login_as(world.other_coordinator)
    client.post("/coordination/matches/bulk", data={"action": "hold", "match_id": [first, second]})
    client.post("/auth/logout")
    with app.app_context():
        assert {db.session.get(Match, i).status for i in (first, second)} == {MatchStatus.SUGGESTED}
    login_as(world.coordinator)
    response = client.post("/coordination/matches/bulk", data={"action": "reject", "match_id": [first, second]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Match, first).status == MatchStatus.SUGGESTED
    client.post("/coordination/matches/bulk", data={"action": "reject", "reason": "skills_mismatch",
                                                    "match_id": [first, second, 99999]})
    with app.app_context():
        rows = [db.session.get(Match, i) for i in (first, second)]
        assert {m.status for m in rows} == {MatchStatus.REJECTED}
        assert {m.reject_reason for m in rows} == {"skills_mismatch"}


def test_reject_without_reason_is_refused_in_japanese(client, login_as, world, make_match):
    match_id = make_match()
    login_as(world.coordinator)
    response = client.post(f"/coordination/matches/{match_id}/review", data={"reject": "1"})
    assert response.status_code == 400 and "見送りの理由を選んでください" in response.get_data(as_text=True)


def test_agreement_takes_a_place_and_schedules_follow_ups(app, world, make_match, mailbox):
    match_id = make_match()
    with app.app_context():
        match = db.session.get(Match, match_id)
        coordinator = _user(world.coordinator)
        _introduce(world, match)
        pipeline.advance(coordinator, match, "in_talks", note="初回面談済み")
        with pytest.raises(InvalidTransition):
            pipeline.advance(coordinator, match, "trial")  # accelerators have no trial stage
        with pytest.raises(InvalidTransition):
            pipeline.advance(coordinator, match, "agreed", outcome="succeeded")  # not an accelerator outcome
        pipeline.advance(coordinator, match, "agreed", outcome="hired")
        pipeline.set_details(coordinator, match, appointment_status="recommended")
        db.session.commit()
        posting = db.session.get(Posting, world.position)
        assert posting.filled == 1 and posting.status == PostingStatus.CLOSED  # capacity 1
        months = [(f.months, f.due_on) for f in pipeline.follow_ups(match)]
        today = match.agreed_at.date()
        assert [m for m, _ in months] == [3, 6, 12]
        assert months[0][1] == pipeline._add_months(today, 3)
        assert match.appointment_status == "recommended" and match.next_step == ""
        stages = [(e.from_status, e.to_status) for e in match.events if e.kind == "transition"]
        assert stages == [("suggested", "approved"), ("approved", "introduced"), ("introduced", "in_talks"),
                          ("in_talks", "agreed")]


def test_succession_trial_with_debriefs_from_both_sides(app, world, make_match, mailbox):
    match_id = make_match(world.case, scheme="succession")
    with app.app_context():
        match = db.session.get(Match, match_id)
        coordinator = _user(world.coordinator)
        _introduce(world, match)
        pipeline.advance(coordinator, match, "in_talks")
        with pytest.raises(InvalidTransition):
            pipeline.record_debrief(_user(world.candidate), match, fit=4, would_continue=True, next_step="")
        pipeline.advance(coordinator, match, "trial")
        with pytest.raises(DomainError):
            pipeline.set_trial_dates(coordinator, match, date(2026, 5, 1), date(2026, 4, 1))
        pipeline.set_trial_dates(coordinator, match, date(2026, 4, 1), date(2026, 6, 30))
        pipeline.record_debrief(_user(world.candidate), match, fit=4, would_continue=True, next_step="製造を学ぶ")
        pipeline.record_debrief(_user(world.firm_member), match, fit=5, would_continue=True, next_step="株式譲渡の準備")
        with pytest.raises(InvalidTransition):
            pipeline.record_debrief(_user(world.candidate), match, fit=1, would_continue=False, next_step="")
        with pytest.raises(DomainError):
            pipeline.record_debrief(_user(world.outsider), match, fit=3, would_continue=True, next_step="")
        pipeline.advance(coordinator, match, "agreed", outcome="succeeded")
        db.session.commit()
        assert set(pipeline.debriefs(match)) == {"seeker", "poster"} and match.outcome == "succeeded"


def test_startup_records_adoption_route_and_validates_it(app, world, make_match):
    match_id = make_match()
    with app.app_context():
        match = db.session.get(Match, match_id)
        with pytest.raises(DomainError):
            pipeline.set_details(_user(world.coordinator), match, appointment_status="emperor")
        with pytest.raises(PermissionDenied):
            pipeline.set_details(_user(world.other_coordinator), match, appointment_status="appointed")


def test_overdue_next_steps_form_a_queue(app, client, login_as, world, make_match, mailbox):
    late, fine = make_match(), make_match(world.case, scheme="succession")
    with app.app_context():
        coordinator = _user(world.coordinator)
        for match_id in (late, fine):
            pipeline.approve(coordinator, db.session.get(Match, match_id))
        pipeline.set_next_step(coordinator, db.session.get(Match, late), "電話で意向を確認", date.today() - timedelta(days=2))
        db.session.commit()
        overdue = list(db.session.scalars(pipeline.active_matches(coordinator, overdue_on=date.today())))
        assert [m.id for m in overdue] == [late]
    login_as(world.coordinator)
    page = client.get("/coordination/matches/active?overdue=1").get_data(as_text=True)
    assert "電話で意向を確認" in page and "期限切れ" in page


def test_follow_up_reminders_go_out_once(app, world, make_match, mailbox):
    match_id = make_match()
    with app.app_context():
        match = db.session.get(Match, match_id)
        _introduce(world, match)
        pipeline.advance(_user(world.coordinator), match, "in_talks")
        pipeline.advance(_user(world.coordinator), match, "agreed", outcome="hired")
        db.session.commit()
        later = datetime.now(UTC) + timedelta(days=100)
        assert pipeline.send_followup_reminders(later) == 1  # the 3-month check-in only
        assert pipeline.send_followup_reminders(later) == 0
        first = db.session.scalar(sa.select(FollowUp).where(FollowUp.months == 3))
        pipeline.record_follow_up(_user(world.coordinator), first, still_going=True, note="順調")
        with pytest.raises(InvalidTransition):
            pipeline.record_follow_up(_user(world.coordinator), first, still_going=False, note="")


def test_appointed_accelerators_count_positions_only_and_agree_with_the_dashboard(app, world, make_match, make_org,
                                                                                 mailbox):
    from marketplace.models import Organisation, OrgKind
    from marketplace.coordination import dashboards
    from marketplace.postings import operations as postings
    from marketplace.public import statistics

    town = make_org("四万十町", OrgKind.MUNICIPALITY, "39")
    with app.app_context():
        coordinator = _user(world.coordinator)
        cio = postings.create_posting(coordinator, db.session.get(Organisation, town), "accelerator", "cio_adviser",
                                      postings.PostingData(title="CIO補佐官", description="町のCIOを補佐します。",
                                                           prefecture_code="39", municipality_code=None,
                                                           remote="either", skills=[], deadline=None,
                                                           extra={"capacity": 1, "employment_form": "part_time"}))
        postings.submit_for_review(coordinator, cio)
        postings.approve(coordinator, cio)
        db.session.commit()
        cio_id = cio.id
    position_match_id, cio_match_id = make_match(world.position), make_match(cio_id)
    with app.app_context():
        coordinator = _user(world.coordinator)
        position_match = db.session.get(Match, position_match_id)
        _introduce(world, position_match)
        pipeline.advance(coordinator, position_match, "in_talks")
        pipeline.advance(coordinator, position_match, "agreed", outcome="hired")
        pipeline.set_details(coordinator, position_match, appointment_status="appointed")
        cio_match = db.session.get(Match, cio_match_id)
        cio_match.status, cio_match.appointment_status = MatchStatus.AGREED, "appointed"  # a CIO補佐官 appointed
        db.session.commit()
        assert statistics.appointed_accelerators() == 1
        assert dashboards.accelerator_progress(coordinator).appointed == 1
