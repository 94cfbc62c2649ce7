"""Admin pages: verifying organisations, memberships and coordinators' areas."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Organisation, OrgKind, Role, User
from marketplace.organisations import operations as organisations
from marketplace.core.domain_errors import PermissionDenied


def test_admin_verifies_an_organisation(app, make_user, make_org, login_as):
    org_id = make_org("未確認の会社", OrgKind.FIRM, "13", verified=False)
    client = login_as(make_user(Role.ADMIN))
    assert "未確認の会社" in client.get("/admin/organisations?unverified=1").get_data(as_text=True)
    assert client.post(f"/admin/organisations/{org_id}/verify").status_code == 302
    with app.app_context():
        org = db.session.get(Organisation, org_id)
        assert org.verified and org.verified_at is not None


def test_only_an_admin_may_verify(app, make_user, make_org, login_as):
    org_id = make_org(verified=False)
    coordinator = make_user(Role.COORDINATOR, area=(("accelerator",), ("39",)))
    client = login_as(coordinator)
    assert client.post(f"/admin/organisations/{org_id}/verify").status_code == 403
    with app.app_context():
        actor = db.session.get(User, coordinator)
        org = db.session.get(Organisation, org_id)
        try:
            organisations.set_verified(actor, org, True)
        except PermissionDenied:
            pass
        else:  # pragma: no cover - the assertion below explains
            raise AssertionError("a coordinator verified an organisation")
        assert db.session.get(Organisation, org_id).verified is False


def test_admin_creates_an_organisation(app, make_user, login_as):
    client = login_as(make_user(Role.ADMIN))
    response = client.post("/admin/organisations/new", data={
        "name": "鳥取県 デジタル局", "kind": "prefecture", "prefecture_code": "31", "municipality_code": "",
    })
    assert response.status_code == 302
    with app.app_context():
        org = db.session.scalar(sa.select(Organisation).where(Organisation.name == "鳥取県 デジタル局"))
        assert org.prefecture_code == "31" and org.verified is False


def test_admin_rejects_empty_organisation_name_in_japanese(make_user, login_as):
    client = login_as(make_user(Role.ADMIN))
    response = client.post("/admin/organisations/new", data={"name": "", "kind": "firm", "prefecture_code": "31"})
    assert response.status_code == 400
    assert "入力してください。" in response.get_data(as_text=True)


def test_admin_assigns_a_member_and_sets_a_coordinator_area(app, make_user, make_org, login_as):
    org_id = make_org()
    candidate = make_user(Role.CANDIDATE)
    coordinator = make_user(Role.COORDINATOR, area=(("accelerator",), ("39",)))
    client = login_as(make_user(Role.ADMIN))
    assert client.post(f"/admin/users/{candidate}", data={
        "role": "member", "organisation_id": str(org_id), "active": "y",
    }).status_code == 302
    assert client.post(f"/admin/users/{coordinator}", data={
        "role": "coordinator", "schemes": ["side_job", "succession"], "prefectures": ["13", "39"], "active": "y",
    }).status_code == 302
    with app.app_context():
        member = db.session.get(User, candidate)
        assert member.role == Role.MEMBER and member.organisation_id == org_id
        coord = db.session.get(User, coordinator)
        cells = {(a.scheme, a.prefecture_code) for a in coord.areas}
        assert cells == {("side_job", "13"), ("side_job", "39"), ("succession", "13"), ("succession", "39")}
        assert coord.covers("side_job", "13") and not coord.covers("accelerator", "39")


def test_admin_user_edit_refuses_unknown_prefecture(app, make_user, login_as):
    coordinator = make_user(Role.COORDINATOR, area=(("accelerator",), ("39",)))
    client = login_as(make_user(Role.ADMIN))
    response = client.post(f"/admin/users/{coordinator}", data={
        "role": "coordinator", "schemes": ["side_job"], "prefectures": ["99"], "active": "y",
    })
    assert response.status_code == 400
    with app.app_context():
        assert {(a.scheme, a.prefecture_code) for a in db.session.get(User, coordinator).areas} == {("accelerator", "39")}


def test_admin_lists_are_paginated(app, make_user, login_as):
    client = login_as(make_user(Role.ADMIN))
    with app.app_context():
        for i in range(45):
            db.session.add(Organisation(name=f"団体{i:02d}", kind=OrgKind.FIRM, prefecture_code="01"))
        db.session.commit()
    first = client.get("/admin/organisations").get_data(as_text=True)
    assert "1 / 3 ページ（全45件）" in first
    assert "2 / 3 ページ" in client.get("/admin/organisations?page=2").get_data(as_text=True)
    # Nonsense page numbers fall back to the first page instead of failing.
    assert client.get("/admin/organisations?page=abc").status_code == 200
