"""Follow-through: next steps follow the stage, late follow-ups are in the overdue queue, no trial form once agreed."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.extensions import db
from marketplace.models import FollowUp, Match, MatchStatus, User
from marketplace.matches import operations as pipeline
from marketplace.core.domain_errors import InvalidTransition


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def _introduce(world, match: Match) -> None:
    pipeline.approve(_user(world.coordinator), match)
    pipeline.respond(_user(world.candidate), match, True, nda_accepted=True)
    poster = world.firm_member if match.posting_id == world.case else world.member
    pipeline.respond(_user(poster), match, True)


def test_next_step_follows_the_stage(app, world, make_match):
    match_id = make_match(world.case, scheme="succession")
    with app.app_context():
        match = db.session.get(Match, match_id)
        coordinator = _user(world.coordinator)
        _introduce(world, match)
        assert match.next_step == "初回の打合せを設定する"
        pipeline.advance(coordinator, match, "in_talks")
        assert match.next_step != "初回の打合せを設定する" and match.next_step_due is not None
        in_talks_step = match.next_step
        pipeline.advance(coordinator, match, "trial")
        assert match.next_step not in ("初回の打合せを設定する", in_talks_step)
        ends = date.today() + timedelta(days=45)
        pipeline.set_trial_dates(coordinator, match, date.today(), ends)
        assert match.next_step_due == ends
        pipeline.advance(coordinator, match, "agreed", outcome="succeeded")
        assert match.next_step == "" and match.next_step_due is None
        # Trial dates belong to the talks and the trial, not to an agreed match.
        with pytest.raises(InvalidTransition):
            pipeline.set_trial_dates(coordinator, match, date.today(), ends)
        db.session.commit()


def test_trial_page_shows_no_first_meeting_step_and_agreed_page_no_trial_form(app, client, login_as, world,
                                                                               make_match):
    match_id = make_match(world.case, scheme="succession")
    with app.app_context():
        match = db.session.get(Match, match_id)
        _introduce(world, match)
        pipeline.advance(_user(world.coordinator), match, "in_talks")
        pipeline.advance(_user(world.coordinator), match, "trial")
        db.session.commit()
    login_as(world.coordinator)
    html = client.get(f"/coordination/matches/{match_id}").get_data(as_text=True)
    assert "初回の打合せを設定する" not in html
    assert f'action="/coordination/matches/{match_id}/trial"' in html
    with app.app_context():
        pipeline.set_trial_dates(_user(world.coordinator), db.session.get(Match, match_id),
                                 date(2026, 4, 1), date(2026, 6, 30))
        pipeline.advance(_user(world.coordinator), db.session.get(Match, match_id), "agreed", outcome="succeeded")
        db.session.commit()
    html = client.get(f"/coordination/matches/{match_id}").get_data(as_text=True)
    assert f'action="/coordination/matches/{match_id}/trial"' not in html
    assert "お試し期間" in html  # the dates stay readable
    # in the site's one date style (the |period filter), not a date pair of its own
    assert "2026年4月1日〜2026年6月30日" in html and "2026年4月1日 – " not in html
    response = client.post(f"/coordination/matches/{match_id}/trial",
                           data={"starts_on": "2026-07-01", "ends_on": "2026-08-01"})
    assert 400 <= response.status_code < 500 or response.status_code in (302, 303)
    with app.app_context():
        assert db.session.get(Match, match_id).trial_starts_on == date(2026, 4, 1)


def test_past_due_follow_ups_are_in_the_overdue_queue(app, client, login_as, world, make_match):
    match_id = make_match()
    with app.app_context():
        match = db.session.get(Match, match_id)
        _introduce(world, match)
        pipeline.advance(_user(world.coordinator), match, "in_talks")
        pipeline.advance(_user(world.coordinator), match, "agreed", outcome="hired")
        db.session.flush()
        three, six, twelve = sorted(pipeline.follow_ups(match), key=lambda f: f.months)
        three.due_on = date.today() - timedelta(days=100)
        six.due_on = date.today() - timedelta(days=5)
        db.session.commit()
        assert [f.months for f in pipeline.overdue_follow_ups(_user(world.coordinator), date.today())] == [3, 6]
        assert pipeline.overdue_follow_ups(_user(world.other_coordinator), date.today()) == []
    login_as(world.coordinator)
    html = client.get("/coordination/matches/active?overdue=1").get_data(as_text=True)
    assert "期限を過ぎたフォローアップ" in html
    assert "合意から3か月後の確認" in html and "合意から6か月後の確認" in html
    assert "合意から12か月後の確認" not in html
    with app.app_context():
        three = db.session.scalar(db.select(FollowUp).where(FollowUp.match_id == match_id, FollowUp.months == 3))
        pipeline.record_follow_up(_user(world.coordinator), three, still_going=True, note="")
        db.session.commit()
    html = client.get("/coordination/matches/active?overdue=1").get_data(as_text=True)
    assert "合意から3か月後の確認" not in html and "合意から6か月後の確認" in html
    with app.app_context():
        assert db.session.get(Match, match_id).status == MatchStatus.AGREED
