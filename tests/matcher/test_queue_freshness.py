"""The coordinators' review queue says when its suggestions were computed and that changes are pending."""
from __future__ import annotations

import re

import pytest

from marketplace.extensions import db
from marketplace.models import CandidateProfile, User
from marketplace.profiles import operations as profiles
from tests.matcher import world

TEXT = {
    "ja": {"pending": "提案に反映待ちの変更（プロフィールや募集の更新）: {n}件", "computed": "提案の最終計算: ",
           "row": "計算: "},
    "en": {"pending": "Changes not yet applied to the suggestions (profile or posting updates): {n}.",
           "computed": "Suggestions last computed: ", "row": "Computed: "},
}


def _page(client) -> str:
    response = client.get("/coordination/matches")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_review_queue_shows_pending_changes_and_when_suggestions_were_computed(
        app, client, login_as, drain_matching, locale):
    text = TEXT[locale]
    with app.app_context():
        coordinator, org = world.coordinator_and_org()
        coordinator.locale = locale
        first = world.candidate(1)
        world.position(coordinator, org)
        world.candidate(2)
        db.session.commit()
        coordinator_id = coordinator.id
    login_as(coordinator_id)

    page = _page(client)
    # The coordinator's area is the accelerator scheme: two people and one posting changed in it.
    assert text["pending"].format(n=3) in page
    assert text["computed"] not in page and ">" + text["row"] not in page

    drain_matching()
    page = _page(client)
    assert not re.search(re.escape(text["pending"]).replace(r"\{n\}", r"\d+"), page)
    assert text["computed"] in page
    assert page.count(">" + text["row"]) == 2  # each suggested row (both candidates) says when it was computed

    with app.app_context():
        profile = db.session.get(CandidateProfile, first)
        user = db.session.get(User, profile.user_id)
        profiles.set_opt_in(user, profile, "accelerator", {"years_experience": 3, "exams": [],
                                                           "claims_equivalent": False, "employment_forms": ["part_time"]})
        db.session.commit()
    page = _page(client)
    assert text["pending"].format(n=1) in page
    assert text["computed"] in page  # the rows shown are still those computed before


def test_a_scheme_filter_counts_only_that_schemes_changes(app, client, login_as):
    with app.app_context():
        coordinator, org = world.coordinator_and_org()
        world.position(coordinator, org)
        db.session.commit()
        coordinator_id = coordinator.id
    login_as(coordinator_id)
    assert TEXT["ja"]["pending"].format(n=1) in _page(client)
    response = client.get("/coordination/matches?scheme=side_job")
    assert "提案に反映待ちの変更" not in response.get_data(as_text=True)
