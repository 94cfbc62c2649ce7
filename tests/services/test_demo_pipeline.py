"""Demo matches at every stage: deterministic, ordered in time, idempotent."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Match, MatchStatus
from marketplace.suggestions import bridge as suggestions
from marketplace.seeding.demo import load_demo
from marketplace.seeding.demo_pipeline import advance_demo_matches


def test_demo_pipeline_reaches_every_stage_once(app_ctx, mailbox):
    load_demo()
    suggestions.refresh_all()
    db.session.commit()
    counts = advance_demo_matches()
    db.session.commit()
    assert {"approved", "introduced", "in_talks", "trial", "agreed", "rejected"} <= set(counts)
    agreed_schemes = set(db.session.scalars(sa.select(Match.scheme).where(Match.status == MatchStatus.AGREED)))
    assert agreed_schemes == {"accelerator", "side_job", "succession", "startup", "adviser"}
    for match in db.session.scalars(sa.select(Match).where(Match.status != MatchStatus.SUGGESTED)):
        times = [match.created_at] + [e.created_at for e in match.events]
        assert times == sorted(times)
        if match.agreed_at:
            assert match.created_at <= match.introduced_at <= match.agreed_at
    assert mailbox.messages == [], "seeding sends no mail"
    assert advance_demo_matches() == {}
