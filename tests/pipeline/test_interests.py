"""My interests: each side lists what it marked 関心あり, with its state, and may withdraw it
(confirmation page, then POST with CSRF); a withdrawn interest stays marked in the coordinator's queue."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Match, MatchEvent, MatchStatus, User
from marketplace.matches import operations as pipeline
from marketplace.core.domain_errors import InvalidTransition, PermissionDenied


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def _interest(app, world, match_id: int, user_id: int | None = None) -> None:
    with app.app_context():
        pipeline.express_interest(_user(user_id or world.candidate), db.session.get(Match, match_id))
        db.session.commit()


def test_candidate_lists_her_interests_with_their_state(app, client, login_as, world, make_match):
    waiting, ignored = make_match(), make_match(world.case, scheme="succession")
    _interest(app, world, waiting)
    login_as(world.candidate)
    text = _text(client.get("/matches/interests").get_data(as_text=True))
    assert "DX推進計画の策定支援" in text and "コーディネーターの確認待ち" in text
    assert "創業80年の酒蔵の後継者" not in text  # never marked
    assert f'href="/matches/{waiting}/interest/withdraw"' in client.get("/matches/interests").get_data(as_text=True)
    assert ignored


def test_introductions_page_no_longer_says_nothing_when_interests_exist(app, client, login_as, world, make_match):
    login_as(world.candidate)
    assert "まだ紹介はありません" in _text(client.get("/matches/").get_data(as_text=True))
    _interest(app, world, make_match())
    text = _text(client.get("/matches/").get_data(as_text=True))
    assert "まだ紹介はありません" not in text
    assert "「関心あり」にした提案が1件あり、コーディネーターが確認しています" in text
    assert "関心ありにした提案（1件）" in text


def test_withdrawing_asks_first_then_posts_with_csrf(app, client, login_as, world, make_match):
    match_id = make_match()
    _interest(app, world, match_id)
    login_as(world.candidate)
    confirm = client.get(f"/matches/{match_id}/interest/withdraw")
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert "取り下げますか" in html and 'method="post"' in html and 'name="csrf_token"' in html
    with app.app_context():  # the GET changed nothing
        assert db.session.get(Match, match_id).seeker_interest_at is not None
    response = client.post(f"/matches/{match_id}/interest/withdraw", follow_redirects=True)
    assert response.status_code == 200
    text = _text(response.get_data(as_text=True))
    assert "関心を取り下げました。" in text and "取り下げました（" in text
    assert f'href="/matches/{match_id}/interest/withdraw"' not in response.get_data(as_text=True)
    with app.app_context():
        match = db.session.get(Match, match_id)
        assert match.seeker_interest_at is None and match.seeker_interest_withdrawn_at is not None
        assert match.status == MatchStatus.SUGGESTED
        kinds = [e.kind for e in db.session.scalars(sa.select(MatchEvent).where(MatchEvent.match_id == match_id))]
        assert kinds == ["interest", "interest_withdrawn"]
    # The introductions page no longer counts it as waiting, but the list keeps it.
    assert "コーディネーターが確認しています" not in _text(client.get("/matches/").get_data(as_text=True))


def test_withdraw_without_csrf_token_is_refused(app, client, login_as, world, make_match):
    match_id = make_match()
    _interest(app, world, match_id)
    login_as(world.candidate)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/matches/{match_id}/interest/withdraw").status_code == 400
    with app.app_context():
        assert db.session.get(Match, match_id).seeker_interest_at is not None


def test_withdrawn_interest_is_marked_in_the_coordinators_queue(app, client, login_as, world, make_match):
    low, high = make_match(score=0.3), make_match(world.case, scheme="succession", score=0.9)
    _interest(app, world, low)
    with app.app_context():
        pipeline.withdraw_interest(_user(world.candidate), db.session.get(Match, low))
        db.session.commit()
        query = pipeline.review_queue(_user(world.coordinator), pipeline.QueueFilters())
        assert [m.id for m in db.session.scalars(query)] == [high, low]  # no longer first
    login_as(world.coordinator)
    queue = client.get("/coordination/matches").get_data(as_text=True)
    row = next(r for r in queue.split("<tr>") if f'value="{low}"' in r)
    assert "関心の取り下げ" in row
    other = next(r for r in queue.split("<tr>") if f'value="{high}"' in r)
    assert "関心の取り下げ" not in other
    detail = _text(client.get(f"/coordination/matches/{low}").get_data(as_text=True))
    assert "関心の取り下げ 候補側" in detail


def test_interest_again_after_withdrawing_clears_the_mark(app, world, make_match):
    match_id = make_match()
    _interest(app, world, match_id)
    with app.app_context():
        match = db.session.get(Match, match_id)
        pipeline.withdraw_interest(_user(world.candidate), match)
        pipeline.express_interest(_user(world.candidate), match)
        db.session.commit()
        assert match.interest and not match.interest_withdrawn and match.seeker_interest_withdrawn_at is None


def test_only_an_active_interest_in_review_can_be_withdrawn(app, client, login_as, world, make_match):
    match_id = make_match()
    with app.app_context():
        match = db.session.get(Match, match_id)
        with pytest.raises(InvalidTransition):  # nothing to withdraw
            pipeline.withdraw_interest(_user(world.candidate), match)
        with pytest.raises(PermissionDenied):
            pipeline.withdraw_interest(_user(world.outsider), match)
        pipeline.express_interest(_user(world.candidate), match)
        pipeline.approve(_user(world.coordinator), match)
        db.session.commit()
        with pytest.raises(InvalidTransition):
            pipeline.withdraw_interest(_user(world.candidate), match)
    login_as(world.candidate)
    response = client.post(f"/matches/{match_id}/interest/withdraw", follow_redirects=True)
    assert response.status_code == 200 and "関心を取り下げられません" in _text(response.get_data(as_text=True))
    client.post("/auth/logout")
    login_as(world.outsider)
    assert client.get(f"/matches/{match_id}/interest/withdraw").status_code == 404
    assert client.post(f"/matches/{match_id}/interest/withdraw").status_code == 404


def test_organisation_lists_and_withdraws_its_interests(app, client, login_as, world, make_match):
    match_id = make_match()
    _interest(app, world, match_id, world.member)
    login_as(world.member)
    text = _text(client.get("/matches/interests").get_data(as_text=True))
    assert f"人材 #{world.profile}" in text and "DX推進計画の策定支援" in text and "コーディネーターの確認待ち" in text
    assert "山田 花子" not in text  # the candidate's name is not shown before an introduction
    client.post(f"/matches/{match_id}/interest/withdraw")
    with app.app_context():
        match = db.session.get(Match, match_id)
        assert match.poster_interest_at is None and match.poster_interest_withdrawn_at is not None
    client.post("/auth/logout")
    login_as(world.candidate)  # the candidate never marked it: her list is empty
    assert "まだありません" in _text(client.get("/matches/interests").get_data(as_text=True))
