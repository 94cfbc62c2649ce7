"""Looking never writes: a candidate's pages shown with GET leave the database as it was, also for a
person who has saved nothing yet (the first save creates the profile)."""
from __future__ import annotations

import re

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import CandidateProfile, Match, Role
from tests.query_counter import count_queries
from tests.web.test_profiles import PROFILE

CANDIDATE_PAGES = ("/candidates/", "/candidates/profile", "/candidates/schemes/accelerator",
                   "/candidates/schemes/side_job", "/candidates/privacy")
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b(?:\s+INTO|\s+FROM)?\s+\"?(\w+)", re.IGNORECASE)
#: Bookkeeping of the signed-in session (when it was last used), done for every request, not by a page.
BOOKKEEPING = {"user_sessions"}


def _writes(statements: list[str]) -> list[str]:
    found = [WRITE.match(s) for s in statements]
    return [f"{m.group(1).upper()} {m.group(2)}" for m in found if m and m.group(2) not in BOOKKEEPING]


def test_a_new_candidates_pages_write_nothing_until_the_first_save(app, client, make_user, login_as):
    user_id = make_user(Role.CANDIDATE)
    login_as(user_id)
    client.get("/candidates/")  # session bookkeeping of the first request after sign-in
    with app.app_context(), count_queries(db.engine) as statements:
        for path in CANDIDATE_PAGES:
            response = client.get(path)
            assert response.status_code == 200, path
    assert _writes(statements) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CandidateProfile)
                                 .where(CandidateProfile.user_id == user_id)) == 0
    response = client.post("/candidates/profile", data=PROFILE)  # the test app accepts forms without CSRF
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        profile = db.session.scalar(sa.select(CandidateProfile).where(CandidateProfile.user_id == user_id))
        assert profile is not None and profile.self_intro == PROFILE["self_intro"]


def test_the_empty_dashboard_shows_nobody_elses_suggestions(app, client, make_user, login_as):
    """The unsaved profile has no id: suggestions of startup solutions (no profile either) stay theirs."""
    from tests.matcher import world as matcher_world

    with app.app_context():
        coordinator, org = matcher_world.coordinator_and_org()
        posting_id = matcher_world.position(coordinator, org)
        db.session.add(Match(posting_id=posting_id, scheme="startup", seeker_ref="s999", score=99.0,
                             explanation={}, flagged=False))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Match)
                                 .where(Match.candidate_profile_id.is_(None))) == 1
    user_id = make_user(Role.CANDIDATE)
    login_as(user_id)
    html = client.get("/candidates/").get_data(as_text=True)
    assert f"/postings/{posting_id}" not in html
