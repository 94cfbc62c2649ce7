"""The busiest pages run a fixed number of SQL queries, however many rows they show (no N+1).

Each test fills a page with N rows, counts the statements of one request, doubles the rows and
counts again: the count must not grow. Every row has its own organisation, municipality and
candidate, so that a lazy load per row cannot hide behind the session's identity map.
"""
from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.models import (
    CandidateProfile,
    Match,
    Municipality,
    Organisation,
    OrgKind,
    Posting,
    PostingStatus,
    Role,
    User,
    utcnow,
)
from tests.query_counter import count_queries

PREFECTURES = [f"{i:02d}" for i in range(1, 48)]


def _add_postings(count: int, start: int, *, prefecture: str | None = None) -> list[int]:
    """Published side-job postings, each by its own firm, in its own municipality (and prefecture)."""
    ids = []
    for n in range(start, start + count):
        pref = prefecture or PREFECTURES[n % len(PREFECTURES)]
        muni = Municipality(code=f"{pref}{n:04d}", prefecture_code=pref, name_ja=f"試験町{n}", kind="town")
        org = Organisation(name=f"試験商事{n}株式会社", kind=OrgKind.FIRM, prefecture_code=pref,
                           municipality_code=muni.code, verified=True)
        posting = Posting(organisation=org, scheme="side_job", posting_type="project", title=f"試験募集{n}号",
                          description="販路開拓を手伝ってくれる方", prefecture_code=pref, municipality_code=muni.code,
                          remote="remote", status=PostingStatus.PUBLISHED, published_at=utcnow(),
                          skills=["販路開拓"], categories=[], details={}, confidential={}, search_text="販路開拓")
        db.session.add_all([muni, org, posting])
        db.session.flush()
        ids.append(posting.id)
    db.session.commit()
    return ids


def _add_candidate(n: int) -> int:
    user = User(email=f"seeker{n}@example.jp", password_hash="x", role=Role.CANDIDATE, display_name=f"候補者{n}号",
                email_verified_at=utcnow())
    profile = CandidateProfile(user=user, work_prefectures=[], employment_forms=[], skills=[], qualifications=[])
    db.session.add(profile)
    db.session.flush()
    return profile.id


def _add_matches(posting_ids: list[int], profile_ids: list[int]) -> None:
    for posting_id, profile_id in zip(posting_ids, profile_ids, strict=True):
        db.session.add(Match(posting_id=posting_id, scheme="side_job", seeker_ref=f"c{profile_id}",
                             candidate_profile_id=profile_id, score=50.0 + posting_id % 40))
    db.session.commit()


def _queries(app, client, path: str, expected_rows: list[str]) -> int:
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in expected_rows:
        assert text in html  # the rows really are on the page
    return len(statements)


def test_posting_list_runs_the_same_queries_for_10_and_20_postings(app, client):
    with app.app_context():
        _add_postings(10, 1)
    first = _queries(app, client, "/postings", [f"試験募集{n}号" for n in range(1, 11)])
    with app.app_context():
        _add_postings(10, 11)
    second = _queries(app, client, "/postings", [f"試験募集{n}号" for n in range(1, 21)])
    assert second == first, f"{first} queries for 10 postings, {second} for 20"


@pytest.mark.parametrize("path", ["/postings?q=販路開拓", "/postings?scheme=side_job&sort=deadline"])
def test_filtered_posting_lists_do_not_grow_with_their_rows(app, client, path):
    with app.app_context():
        _add_postings(10, 1)
    first = _queries(app, client, path, ["試験募集10号"])
    with app.app_context():
        _add_postings(10, 11)
    second = _queries(app, client, path, ["試験募集20号"])
    assert second == first


def test_coordinator_queue_runs_the_same_queries_for_12_and_25_suggestions(app, client, make_user, login_as):
    coordinator = make_user(Role.COORDINATOR, area=(("side_job",), ("39",)))
    with app.app_context():
        _add_matches(_add_postings(12, 1, prefecture="39"), [_add_candidate(n) for n in range(1, 13)])
    login_as(coordinator)
    first = _queries(app, client, "/coordination/matches", [f"候補者{n}号" for n in range(1, 13)])
    with app.app_context():
        _add_matches(_add_postings(13, 13, prefecture="39"), [_add_candidate(n) for n in range(13, 26)])
    second = _queries(app, client, "/coordination/matches", [f"候補者{n}号" for n in range(1, 26)])
    assert second == first, f"{first} queries for 12 suggestions, {second} for 25"


def test_candidate_dashboard_runs_the_same_queries_for_10_and_20_suggestions(app, client, make_user, login_as):
    candidate = make_user(Role.CANDIDATE, email="dashboard@example.jp")
    with app.app_context():
        profile = CandidateProfile(user_id=candidate, work_prefectures=[], employment_forms=[], skills=[],
                                   qualifications=[])
        db.session.add(profile)
        db.session.commit()
        profile_id = profile.id
        _add_matches(_add_postings(10, 1), [profile_id] * 10)
    login_as(candidate)
    first = _queries(app, client, "/candidates/", [f"試験募集{n}号" for n in range(1, 11)])
    with app.app_context():
        _add_matches(_add_postings(10, 11), [profile_id] * 10)
    second = _queries(app, client, "/candidates/", [f"試験募集{n}号" for n in range(1, 21)])
    assert second == first, f"{first} queries for 10 suggestions, {second} for 20"
