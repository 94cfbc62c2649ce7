"""Digests carry the pipeline: introductions waiting, new messages, coordinators' overdue next steps."""
from __future__ import annotations

from datetime import date, timedelta

from marketplace.extensions import db
from marketplace.models import Match, User, utcnow
from marketplace.matches import operations as pipeline
from marketplace.digests import builder


def _keys(user: User) -> dict[str, str]:
    digest = builder.compose(user, "daily", utcnow() + timedelta(minutes=1))
    if digest is None:
        return {}
    return {r.key: digest.text for r in digest.results}


def test_waiting_introductions_and_messages_reach_the_digest_without_names(app, world, make_match, mailbox):
    match_id = make_match()
    with app.app_context():
        match = db.session.get(Match, match_id)
        candidate, member = db.session.get(User, world.candidate), db.session.get(User, world.member)
        pipeline.approve(db.session.get(User, world.coordinator), match)
        db.session.commit()
        keys = _keys(candidate)
        assert "pipeline.introductions_waiting" in keys and "DX推進計画の策定支援" in keys["pipeline.introductions_waiting"]
        pipeline.respond(candidate, match, True)
        pipeline.respond(member, match, True)
        pipeline.post_message(member, match, "来週お話しできますか")
        db.session.commit()
        keys = _keys(candidate)
        assert "pipeline.introductions_waiting" not in keys
        text = keys["pipeline.new_messages"]
        assert f"/matches/{match_id}" in text
        assert "来週お話しできますか" not in text and "pref@example.jp" not in text
        assert "pipeline.new_messages" not in _keys(member), "one's own messages are not news"


def test_coordinators_see_overdue_next_steps(app, world, make_match, mailbox):
    match_id = make_match()
    with app.app_context():
        coordinator = db.session.get(User, world.coordinator)
        coordinator.created_at = utcnow() - timedelta(days=10)  # a digest covers since then
        match = db.session.get(Match, match_id)
        pipeline.approve(coordinator, match)
        pipeline.set_next_step(coordinator, match, "候補者に電話する", date.today() - timedelta(days=3))
        db.session.commit()
        keys = _keys(coordinator)
        assert "候補者に電話する" in keys["pipeline.overdue_next_steps"]
        assert "pipeline.overdue_next_steps" not in _keys(db.session.get(User, world.other_coordinator))
