"""Each role reaches its own pages and no one else's; coordinators only see their area."""
from __future__ import annotations

import pytest

from marketplace.models import OrgKind, Role

ROLE_HOMES = {
    Role.CANDIDATE: "/candidates/",
    Role.MEMBER: "/organisations/",
    Role.COORDINATOR: "/coordination/",
    Role.ADMIN: "/admin/",
}


@pytest.mark.parametrize("path", sorted(ROLE_HOMES.values()))
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("role", list(ROLE_HOMES))
def test_each_role_reaches_only_its_own_home(make_user, login_as, role):
    area = (("accelerator",), ("39",)) if role == Role.COORDINATOR else None
    client = login_as(make_user(role, area=area))
    for other_role, path in ROLE_HOMES.items():
        # Admins reach every workspace except a candidate's personal pages.
        expected = 200 if other_role == role or (role == Role.ADMIN and other_role != Role.CANDIDATE) else 403
        assert client.get(path).status_code == expected, (role, path)


def test_coordinator_sees_only_organisations_in_their_area(make_user, make_org, login_as):
    kochi_org = make_org("高知の会社", OrgKind.FIRM, "39")
    tokyo_org = make_org("東京の会社", OrgKind.FIRM, "13")
    client = login_as(make_user(Role.COORDINATOR, area=(("side_job",), ("39",))))
    page = client.get("/coordination/").get_data(as_text=True)
    assert "高知の会社" in page and "東京の会社" not in page
    assert client.get(f"/coordination/organisations/{kochi_org}").status_code == 200
    assert client.get(f"/coordination/organisations/{tokyo_org}").status_code == 403


def test_member_of_unverified_organisation_is_told_they_cannot_publish(make_user, make_org, login_as):
    org = make_org("未確認の会社", OrgKind.FIRM, "13", verified=False)
    client = login_as(make_user(Role.MEMBER, org_id=org))
    assert "募集を公開することはできません" in client.get("/organisations/").get_data(as_text=True)


def test_member_of_verified_organisation_is_not_warned(make_user, make_org, login_as):
    org = make_org("確認済みの会社", OrgKind.FIRM, "13", verified=True)
    client = login_as(make_user(Role.MEMBER, org_id=org))
    assert "募集を公開することはできません" not in client.get("/organisations/").get_data(as_text=True)


def test_unknown_page_is_a_japanese_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.get_data(as_text=True)
