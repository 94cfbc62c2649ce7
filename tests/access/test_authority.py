"""Own authority (issue #16, item 8): a prefecture posts within itself and its municipalities, a
municipality for itself. Refused with a Japanese message at posting, 400 for a forged POST."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Organisation, OrgKind, Posting, Role
from marketplace.postings import operations as postings
from marketplace.core.domain_errors import DomainError
from tests.web.test_postings import ACCELERATOR_POSITION


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Posting.id)))


def test_a_prefecture_cannot_post_for_another_prefecture(app, client, make_org, make_user, login_as):
    login_as(make_user(Role.MEMBER, org_id=make_org("高知県 デジタル政策課", OrgKind.PREFECTURE, "39")))
    forged = {**ACCELERATOR_POSITION, "prefecture_code": "13"}  # Tokyo
    response = client.post("/organisations/postings/new/accelerator/position", data=forged)
    assert response.status_code == 400
    assert "都道府県は、自らの区域（その都道府県と県内の市町村）の募集だけを掲載できます。" in response.get_data(as_text=True)
    assert _count(app) == 0
    assert client.post("/organisations/postings/new/accelerator/position", data=ACCELERATOR_POSITION).status_code == 302
    assert _count(app) == 1


def test_editing_cannot_move_a_posting_out_of_the_authority(app, client, make_org, make_user, login_as):
    login_as(make_user(Role.MEMBER, org_id=make_org("高知県 デジタル政策課", OrgKind.PREFECTURE, "39")))
    assert client.post("/organisations/postings/new/accelerator/position", data=ACCELERATOR_POSITION).status_code == 302
    with app.app_context():
        posting_id = db.session.scalar(sa.select(Posting.id))
    response = client.post(f"/organisations/postings/{posting_id}/edit", data={**ACCELERATOR_POSITION, "prefecture_code": "13"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Posting, posting_id).prefecture_code == "39"


def test_a_coordinator_posting_on_behalf_follows_the_organisation_authority(app, client, make_org, make_user, login_as):
    org = make_org("高知県 デジタル政策課", OrgKind.PREFECTURE, "39")
    login_as(make_user(Role.COORDINATOR, area=(("accelerator",), ("39", "13"))))
    response = client.post(f"/coordination/organisations/{org}/postings/new/accelerator/position",
                           data={**ACCELERATOR_POSITION, "prefecture_code": "13"})
    assert response.status_code in (400, 404)
    assert _count(app) == 0


@pytest.mark.parametrize(("prefecture", "municipality", "allowed"), [
    ("39", "394122", True),   # itself
    ("39", "", True),         # its prefecture, no narrower place
    ("39", "392014", False),  # 高知市, another municipality of the same prefecture
    ("13", "", False),        # another prefecture
])
def test_a_municipality_posts_only_for_itself(app_ctx, prefecture, municipality, allowed):
    town = Organisation(name="四万十町", kind=OrgKind.MUNICIPALITY, prefecture_code="39", municipality_code="394122")
    data = SimpleNamespace(prefecture_code=prefecture, municipality_code=municipality)
    if allowed:
        postings.check_authority(town, data)
    else:
        with pytest.raises(DomainError, match="市町村は、自らの区域の募集だけを掲載できます。"):
            postings.check_authority(town, data)


def test_firms_are_not_bound_to_an_authority(app_ctx):
    firm = Organisation(name="土佐の会社", kind=OrgKind.FIRM, prefecture_code="39")
    postings.check_authority(firm, SimpleNamespace(prefecture_code="13", municipality_code=""))
