"""A small world for the pipeline: a prefecture and a firm posting, a candidate, coordinators of two areas."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from marketplace.extensions import db
from marketplace.models import Match, Organisation, OrgKind, Role, User, Visibility
from marketplace.postings import operations as postings
from marketplace.profiles import operations as profiles


@dataclass
class World:
    coordinator: int  # covers accelerator + succession in Kochi (39)
    other_coordinator: int  # covers the same schemes in Nagano (20)
    candidate: int
    candidate_email: str
    profile: int
    member: int  # a member of the Kochi prefecture
    member_email: str
    firm_member: int
    position: int  # accelerator position by the prefecture
    case: int  # anonymous succession case by the firm
    outsider: int  # a candidate with no part in any match


def _publish(coordinator: User, org: Organisation, scheme: str, type_code: str, title: str, extra: dict) -> int:
    data = postings.PostingData(
        title=title, description="地域の課題を一緒に解決してくれる方を募集します。", prefecture_code="39",
        municipality_code=None, remote="either", skills=["DX"], deadline=None, extra=extra)
    posting = postings.create_posting(coordinator, org, scheme, type_code, data)
    postings.submit_for_review(coordinator, posting)
    postings.approve(coordinator, posting)
    return posting.id


@pytest.fixture
def world(app, make_org, make_user) -> World:
    prefecture = make_org("高知県", OrgKind.PREFECTURE, "39")
    firm = make_org("土佐酒造株式会社", OrgKind.FIRM, "39")  # its name is the secret
    coordinator = make_user(Role.COORDINATOR, area=(("accelerator", "succession"), ("39",)))
    other = make_user(Role.COORDINATOR, area=(("accelerator", "succession"), ("20",)))
    candidate = make_user(Role.CANDIDATE, email="cand@example.jp")
    outsider = make_user(Role.CANDIDATE, email="outsider@example.jp")
    member = make_user(Role.MEMBER, email="pref@example.jp", org_id=prefecture)
    firm_member = make_user(Role.MEMBER, email="firm@example.jp", org_id=firm)
    with app.app_context():
        user = db.session.get(User, candidate)
        profile = profiles.get_or_create_profile(user)
        profiles.update_profile(user, profile, profiles.ProfileData(
            display_name="山田 花子", residence_prefecture="39", work_prefectures=["39"], remote="either",
            available_from=None, hours_per_month=40, employment_forms=["part_time"], compensation_min=None,
            compensation_max=None, skills=["自治体DX"], qualifications=[], other_qualifications="",
            self_intro="自治体のDXを支援してきました。", phone="090-1111-2222", visibility=Visibility.COORDINATORS,
            careers=[]))
        coord = db.session.get(User, coordinator)
        position = _publish(coord, db.session.get(Organisation, prefecture), "accelerator", "position",
                            "DX推進計画の策定支援", {"capacity": 1, "employment_form": "part_time"})
        case = _publish(coord, db.session.get(Organisation, firm), "succession", "case", "創業80年の酒蔵の後継者",
                        {"disclosure": "anonymous", "firm_name": "土佐酒造株式会社 本店"})
        db.session.commit()
        return World(coordinator, other, candidate, "cand@example.jp", profile.id, member, "pref@example.jp",
                     firm_member, position, case, outsider)


@pytest.fixture
def make_match(app, world):
    """A suggested match of the world's candidate with one of its postings."""
    def factory(posting_id: int | None = None, scheme: str = "accelerator", score: float = 0.8) -> int:
        with app.app_context():
            match = Match(posting_id=posting_id or world.position, scheme=scheme, seeker_ref=f"c{world.profile}",
                          candidate_profile_id=world.profile, score=score, explanation={"shared_skills": ["自治体DX"]})
            db.session.add(match)
            db.session.commit()
            return match.id

    return factory
