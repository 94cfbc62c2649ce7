"""Issue 15's small items: the coordinator home's counts, the home page's 新着 across schemes, and a
/postings page past the end."""
from __future__ import annotations

import re
from datetime import date, timedelta

from marketplace.extensions import db
from marketplace.models import FollowUp, Match, Organisation, Role, User, utcnow
from marketplace.matches import operations as pipeline
from marketplace.postings import operations as postings
from tests.pipeline.conftest import _publish


def _counts(html: str) -> dict[str, int]:
    found = {}
    for key, label in (("postings", "審査待ちの募集"), ("suggestions", "審査待ちの提案"),
                       ("overdue", "期限を過ぎた次の一手・フォローアップ")):
        match = re.search(re.escape(label) + r": <strong>(\d+)件</strong>", html)
        assert match, label
        found[key] = int(match.group(1))
    return found


def test_the_coordinator_home_counts_what_waits_in_her_area(app, client, world, make_match, login_as):
    login_as(world.coordinator)
    assert _counts(client.get("/coordination/").get_data(as_text=True)) == {
        "postings": 0, "suggestions": 0, "overdue": 0}

    first, second = make_match(), make_match(world.case, scheme="succession")
    today = date.today()
    with app.app_context():
        coordinator = db.session.get(User, world.coordinator)
        member = db.session.get(User, world.member)
        draft = postings.create_posting(member, db.session.get(Organisation, member.organisation_id), "accelerator",
                                        "position", postings.PostingData(
                                            title="審査待ちの募集", description="県内の市町村のDXを支援します。",
                                            prefecture_code="39", municipality_code=None, remote="either",
                                            skills=["DX"], deadline=None,
                                            extra={"capacity": 1, "employment_form": "part_time"}))
        postings.submit_for_review(member, draft)
        db.session.commit()
    assert _counts(client.get("/coordination/").get_data(as_text=True)) == {
        "postings": 1, "suggestions": 2, "overdue": 0}

    with app.app_context():
        coordinator = db.session.get(User, world.coordinator)
        match = db.session.get(Match, first)
        pipeline.approve(coordinator, match)
        pipeline.set_next_step(coordinator, match, "初回の打合せ", today - timedelta(days=3))
        db.session.add_all([
            FollowUp(match_id=first, months=3, due_on=today - timedelta(days=10)),  # late: counted
            FollowUp(match_id=first, months=6, due_on=today + timedelta(days=80)),  # not due yet
            FollowUp(match_id=second, months=3, due_on=today - timedelta(days=10), answered_at=utcnow(),
                     still_going=True),  # answered
        ])
        db.session.commit()
    html = client.get("/coordination/").get_data(as_text=True)
    assert _counts(html) == {"postings": 1, "suggestions": 1, "overdue": 2}
    assert 'href="/coordination/matches/active?overdue=1"' in html
    overdue_page = client.get("/coordination/matches/active?overdue=1").get_data(as_text=True)
    assert "合意から3か月後の確認" in overdue_page and "初回の打合せ" in overdue_page

    # Another area's coordinator counts none of it.
    client.post("/auth/logout")
    login_as(world.other_coordinator)
    assert _counts(client.get("/coordination/").get_data(as_text=True)) == {
        "postings": 0, "suggestions": 0, "overdue": 0}


def test_the_home_pages_new_postings_show_every_scheme_first(app, client, world, make_user):
    side_job_coordinator = make_user(Role.COORDINATOR, area=(("side_job",), ("39",)))
    with app.app_context():
        coordinator = db.session.get(User, side_job_coordinator)
        firm = db.session.get(User, world.firm_member).organisation
        for n in range(8):  # a busy scheme, newer than the other two
            _publish(coordinator, firm, "side_job", "project", f"副業の募集その{n}",
                     {"categories": ["sales_channels"], "employment_form": "side_job", "months": 3,
                      "monthly_budget_max": 50000, "hours_per_month": 20})
        db.session.commit()
    html = client.get("/").get_data(as_text=True)
    latest = html[html.index("新着の募集"):]
    assert "DX推進計画の策定支援" in latest  # accelerator
    assert "創業80年の酒蔵の後継者" in latest  # succession
    assert latest.count("副業の募集その") == 4  # six in all: each scheme once, then the newest


def test_a_postings_page_past_the_end_goes_to_the_last_page(app, client, world):
    app.config["PAGE_SIZE"] = 1
    response = client.get("/postings", query_string={"page": "9999", "scheme": "accelerator"})
    assert response.status_code == 302
    assert "page=1" in response.location and "scheme=accelerator" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "DX推進計画の策定支援" in page and "公開中の募集はまだありません" not in page
    assert "page=2" in client.get("/postings", query_string={"page": "9999"}).location  # two postings
    # Nonsense page numbers are the first page, not an error.
    for bad in ("abc", "-3", "0"):
        assert client.get("/postings", query_string={"page": bad}).status_code == 200, bad
    # Nothing to show at all: the honest empty state, no redirect loop.
    empty = client.get("/postings", query_string={"page": "9999", "q": "存在しない言葉"})
    assert empty.status_code == 200 and "条件に合う募集はまだありません" in empty.get_data(as_text=True)


def test_a_candidate_whose_name_is_hidden_is_人材_id_on_every_page_of_the_poster(app, client, world, make_match,
                                                                              login_as):
    from marketplace.models import CandidateProfile, FieldVisibility, Visibility

    match_id = make_match()
    label = f"人材 #{world.profile}"
    login_as(world.member)
    with app.app_context():  # the poster marks it 関心あり; the coordinator then approves
        pipeline.express_interest(db.session.get(User, world.member), db.session.get(Match, match_id))
        db.session.commit()
    posting_page = client.get(f"/postings/{world.position}").get_data(as_text=True)
    interests = client.get("/matches/interests").get_data(as_text=True)
    with app.app_context():
        pipeline.approve(db.session.get(User, world.coordinator), db.session.get(Match, match_id))
        db.session.commit()
    detail = client.get(f"/matches/{match_id}").get_data(as_text=True)
    for page in (posting_page, interests, detail):
        assert label in page and "山田 花子" not in page
    assert f"{label}（お名前は紹介成立後に表示されます）" in detail

    # The candidate lets verified organisations see the name: the same pages name her.
    with app.app_context():
        profile = db.session.get(CandidateProfile, world.profile)
        profile.visibility = Visibility.VERIFIED_ORGS
        profile.name_visibility = FieldVisibility.VERIFIED_ORGS
        db.session.commit()
    for path in (f"/postings/{world.position}", "/matches/interests", f"/matches/{match_id}"):
        page = client.get(path).get_data(as_text=True)
        assert "山田 花子" in page and label not in page, path


def test_a_startup_is_sent_to_its_page_from_the_candidate_search(app, client, world, make_org, make_user, login_as):
    from marketplace.models import OrgKind

    startup = make_user(Role.MEMBER, org_id=make_org("E2Eテック株式会社", OrgKind.STARTUP, "13"))
    login_as(startup)
    dashboard = client.get("/organisations/").get_data(as_text=True)
    assert "/organisations/candidates" not in dashboard  # its menu does not offer it
    for path in ("/organisations/candidates", "/organisations/candidates?q=DX",
                 f"/organisations/candidates/{world.profile}"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.endswith("/organisations/"), path
    page = client.get("/organisations/candidates", follow_redirects=True).get_data(as_text=True)
    assert "この団体の種類では人材を探せません。" in page
    client.post("/auth/logout")
    login_as(world.member)  # a prefecture looks for people
    assert client.get("/organisations/candidates").status_code == 200


def test_a_suggestions_review_puts_the_decision_before_the_funding_panel(app, client, world, make_match, login_as):
    """Issue 15: approve sat ~1,000 px down, below the funding panel; now the decision comes first."""
    match_id = make_match()
    login_as(world.coordinator)
    html = client.get(f"/coordination/matches/{match_id}").get_data(as_text=True)
    assert 'class="funding-panel"' in html
    assert html.index('id="review-heading"') < html.index('name="approve"') < html.index('class="funding-panel"')
