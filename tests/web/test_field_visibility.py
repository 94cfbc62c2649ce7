"""Per-field visibility as the candidate sets it and as the pages describe it (the leak test is in tests/security)."""
from __future__ import annotations

import itertools
import re

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import CandidateProfile, ConsentRecord, FieldVisibility, Match, OrgKind, Role, Visibility
from marketplace.matches import operations as pipeline
from marketplace.profiles import visibility
from marketplace.profiles.visibility import Audience
from tests.web.test_profiles import PROFILE

F = FieldVisibility


def test_the_rule_over_every_field_level_listing_and_audience():
    """``may_see`` against the rule written out: a level's audiences, cut to the profile's, opened by an introduction."""
    level_reach = {F.INTRODUCED: set(), F.COORDINATORS: {"coordinator"}, F.VERIFIED_ORGS: {"coordinator", "verified_org"},
                   F.PUBLIC: {"coordinator", "verified_org", "org"}}
    listing_reach = {Visibility.COORDINATORS: level_reach[F.COORDINATORS],
                     Visibility.VERIFIED_ORGS: level_reach[F.VERIFIED_ORGS],
                     Visibility.PUBLIC_SUMMARY: level_reach[F.PUBLIC]}
    checked = 0
    for field, level, listing, audience, introduced in itertools.product(
            visibility.FIELDS, F, Visibility, Audience, (False, True)):
        expected = (introduced and field in ("name", "contact")) or (
            audience.value in level_reach[level] and audience.value in listing_reach[listing])
        assert visibility.may_see(field, level, listing, audience, introduced=introduced) is expected, (
            field, level, listing, audience, introduced)
        checked += 1
    assert checked == 4 * 4 * 3 * 4 * 2


def test_a_field_is_never_shown_more_widely_than_the_profile():
    profile = CandidateProfile(visibility=Visibility.COORDINATORS, name_visibility=F.PUBLIC,
                               contact_visibility=F.INTRODUCED, career_visibility=F.VERIFIED_ORGS,
                               intro_visibility=F.COORDINATORS)
    assert [visibility.effective_level(profile, f) for f in visibility.FIELDS] == [
        F.COORDINATORS, F.INTRODUCED, F.COORDINATORS, F.COORDINATORS]
    rows = {r["field"]: r for r in visibility.summary(profile)}
    assert rows["name"]["narrowed"] and not rows["contact"]["narrowed"]
    assert rows["name"]["after_introduction"] and not rows["career"]["after_introduction"]


def test_the_form_asks_per_field_in_labelled_radio_groups(client, make_user, login_as):
    login_as(make_user(Role.CANDIDATE))
    html = client.get("/candidates/profile").get_data(as_text=True)
    for column, default in (("name_visibility", "coordinators"), ("contact_visibility", "introduced"),
                            ("career_visibility", "verified_orgs"), ("intro_visibility", "verified_orgs")):
        group = re.search(rf'<fieldset[^>]*>\s*<legend>[^<]+</legend>(?:(?!</fieldset>).)*name="{column}"', html, re.S)
        assert group, column
        assert re.search(rf'<input checked id="{column}-\d" name="{column}" type="radio" value="{default}">', html), column
    assert html.count('type="radio"') >= 3 + 3 + 4 + 3 + 3 + 3  # remote, listing, name, contact, career, intro


def test_choices_are_saved_recorded_and_described_on_the_privacy_page(app, client, make_user, login_as):
    user_id = make_user(Role.CANDIDATE)
    login_as(user_id)
    response = client.post("/candidates/profile", data=dict(
        PROFILE, visibility="verified_orgs", name_visibility="public", contact_visibility="coordinators",
        career_visibility="coordinators", intro_visibility="verified_orgs"))
    assert response.status_code == 302
    with app.app_context():
        profile = db.session.scalar(sa.select(CandidateProfile).where(CandidateProfile.user_id == user_id))
        assert (profile.name_visibility, profile.contact_visibility, profile.career_visibility,
                profile.intro_visibility) == (F.PUBLIC, F.COORDINATORS, F.COORDINATORS, F.VERIFIED_ORGS)
        kinds = set(db.session.scalars(sa.select(ConsentRecord.kind).where(ConsentRecord.user_id == user_id)))
        assert {"name_visibility", "contact_visibility", "career_visibility"} <= kinds
    html = client.get("/candidates/privacy").get_data(as_text=True)
    table = html[html.index('id="visibility-summary-heading"'):html.index('id="use-heading"')]
    # the name was set to public, but the profile is for verified organisations: the page says the real reach
    assert re.search(r"お名前（表示名）</th>\s*<td>確認済みの団体とコーディネーター<br>", table)
    assert "（選んだ範囲: 公開（確認前を含むすべての団体とコーディネーター）。" in table
    assert re.search(r"連絡先（メールアドレス・電話番号）</th>\s*<td>コーディネーターだけ</td>", table)
    assert re.search(r"職歴（役職・担当と年数）</th>\s*<td>コーディネーターだけ</td>\s*<td>紹介の前と同じ</td>", table)


def test_a_choice_a_field_does_not_offer_is_refused_with_a_message(app, client, make_user, login_as):
    user_id = make_user(Role.CANDIDATE)
    login_as(user_id)
    response = client.post("/candidates/profile", data=dict(PROFILE, name_visibility="introduced"))
    assert response.status_code == 400
    assert "入力内容を確認してください" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(CandidateProfile.name_visibility)) in (None, F.COORDINATORS)


def test_the_match_page_says_what_the_organisation_sees(app, client, make_user, make_org, login_as):
    candidate = make_user(Role.CANDIDATE, email="hana@example.jp")
    org = make_org("高知県", OrgKind.PREFECTURE, "39")
    member = make_user(Role.MEMBER, org_id=org)
    coordinator = make_user(Role.COORDINATOR, area=(("accelerator",), ("39",)))
    login_as(candidate)
    client.post("/candidates/profile", data=dict(PROFILE, visibility="verified_orgs"))
    client.post("/auth/logout")
    with app.app_context():
        from marketplace.models import User
        from marketplace.postings import operations as postings

        profile = db.session.scalar(sa.select(CandidateProfile))
        member_user, coordinator_user = db.session.get(User, member), db.session.get(User, coordinator)
        data = postings.PostingData(title="DX推進の支援", description="募集します。", prefecture_code="39",
                                    municipality_code=None, remote="either", skills=["自治体DX"], deadline=None,
                                    extra={"capacity": 1, "employment_form": "part_time"})
        posting = postings.create_posting(member_user, member_user.organisation, "accelerator", "position", data)
        postings.submit_for_review(member_user, posting)
        postings.approve(coordinator_user, posting)
        match = Match(posting_id=posting.id, scheme="accelerator", seeker_ref=f"c{profile.id}",
                      candidate_profile_id=profile.id, score=70.0, explanation={})
        db.session.add(match)
        db.session.flush()
        pipeline.approve(coordinator_user, match)
        db.session.commit()
        match_id, profile_id = match.id, profile.id

    login_as(member)
    page = client.get(f"/matches/{match_id}").get_data(as_text=True)
    assert "お名前は紹介成立後に表示されます" in page and "山田 花子" not in page  # name: coordinators only
    assert "地方の役場の業務改善" in page  # the self-introduction is for verified organisations
    listing = client.get("/organisations/candidates").get_data(as_text=True)
    assert "山田 花子" not in listing and f"人材 #{profile_id}" in listing  # the list agrees with the match page
    client.post("/auth/logout")
    with app.app_context():
        db.session.execute(sa.update(CandidateProfile).values(name_visibility=F.VERIFIED_ORGS))
        db.session.commit()
    login_as(member)
    page = client.get(f"/matches/{match_id}").get_data(as_text=True)
    assert "山田 花子" in page and "お名前は紹介成立後に表示されます" not in page
    assert "hana@example.jp" not in page and "090-1234-5678" not in page
    client.post("/auth/logout")

    login_as(candidate)
    page = client.get(f"/matches/{match_id}").get_data(as_text=True)
    told = re.search(r"<dt>相手の団体に見えているあなたの情報</dt><dd>([^<]*)", page).group(1)
    assert "お名前（表示名）" in told and "自己紹介" in told and "連絡先" not in told


def test_the_privacy_page_records_each_choice_in_words(client, make_user, login_as):
    login_as(make_user(Role.CANDIDATE))
    client.post("/candidates/profile", data=dict(PROFILE, contact_visibility="coordinators"))
    html = client.get("/candidates/privacy").get_data(as_text=True)
    assert "連絡先の公開範囲 ・ コーディネーターだけ" in html
