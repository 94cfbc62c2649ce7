"""The organisation page offers what the organisation can do: people to find for those that post
needs candidates are matched with; municipalities' challenges for a startup (which finds no people)."""
from __future__ import annotations

from marketplace.models import OrgKind, Role
from marketplace.schemes.registry import seeks_candidates


def test_a_startup_is_not_offered_to_find_people(client, make_org, make_user, login_as):
    login_as(make_user(Role.MEMBER, org_id=make_org("株式会社まちテック", OrgKind.STARTUP, "13")))
    html = client.get("/organisations/").get_data(as_text=True)
    assert "人材を探す" not in html and 'href="/organisations/candidates"' not in html
    assert "自治体の地域課題を探す" in html and 'href="/postings?scheme=startup"' in html


def test_a_prefecture_and_a_firm_are_offered_to_find_people(client, make_org, make_user, login_as):
    for name, kind in (("高知県", OrgKind.PREFECTURE), ("土佐酒造株式会社", OrgKind.FIRM)):
        login_as(make_user(Role.MEMBER, org_id=make_org(name, kind, "39")))
        html = client.get("/organisations/").get_data(as_text=True)
        assert "人材を探す" in html and "自治体の地域課題を探す" not in html
        client.post("/auth/logout")


def test_only_kinds_that_post_no_need_for_people_seek_no_candidates():
    # A cooperating company sends its staff to the talent pool; it posts nothing itself.
    assert {k for k in OrgKind if not seeks_candidates(k)} == {OrgKind.STARTUP, OrgKind.COOPERATING_COMPANY}
