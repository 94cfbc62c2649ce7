"""The world every access test runs in: two areas (Kochi 39 and Nagano 20), each side's people and objects.

Objects in URLs are always Kochi's ("A"): organisation A's postings, candidate A's profile, a match
between them in coordinator A's area. The "B" people are the same roles looking at someone else's.
"""
from __future__ import annotations

import re
from datetime import date
from dataclasses import dataclass, field

import pyotp

from marketplace.extensions import db
from marketplace.models import BouncedAddress, Match, Organisation, OrgKind, Role, SavedSearch, User, Visibility
from marketplace.accounts import operations as accounts
from marketplace.organisations import operations as organisations
from marketplace.matches import operations as pipeline
from marketplace.postings import operations as postings
from marketplace.profiles import operations as profiles
from tests.conftest import PASSWORD, enrol_second_factor

ROLES = ("anonymous", "candidate_a", "candidate_b", "member_a", "member_b", "coordinator_a", "coordinator_b", "admin")
ALL_SCHEMES = ("accelerator", "side_job", "succession", "startup", "adviser")


@dataclass
class World:
    users: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    ids: dict[str, object] = field(default_factory=dict)  # URL parameter name -> value


def _profile(user: User, prefecture: str, visibility: Visibility) -> int:
    profile = profiles.get_or_create_profile(user)
    profiles.update_profile(user, profile, profiles.ProfileData(
        display_name=user.display_name, residence_prefecture=prefecture, work_prefectures=[prefecture],
        remote="either", available_from=None, hours_per_month=40, employment_forms=["part_time"],
        compensation_min=None, compensation_max=None, skills=["自治体DX"], qualifications=[], other_qualifications="",
        self_intro="自治体のDXを支援してきました。", phone="090-0000-0000", visibility=visibility, careers=[]))
    profiles.set_opt_in(user, profile, "accelerator", {"years_experience": 8, "exams": [], "claims_equivalent": False,
                                                       "employment_forms": ["part_time"]})
    db.session.flush()
    return profile.id


def build_world() -> World:
    """Create the world in the current app context and commit it."""
    world = World()
    org_a = Organisation(name="高知県", kind=OrgKind.PREFECTURE, prefecture_code="39", verified=True)
    org_b = Organisation(name="長野県", kind=OrgKind.PREFECTURE, prefecture_code="20", verified=True)
    firm_a = Organisation(name="土佐の酒蔵", kind=OrgKind.FIRM, prefecture_code="39", verified=True)
    db.session.add_all([org_a, org_b, firm_a])
    db.session.flush()
    specs = {
        "candidate_a": (Role.CANDIDATE, None), "candidate_b": (Role.CANDIDATE, None),
        "member_a": (Role.MEMBER, org_a), "member_b": (Role.MEMBER, org_b),
        "coordinator_a": (Role.COORDINATOR, None), "coordinator_b": (Role.COORDINATOR, None),
        "admin": (Role.ADMIN, None), "firm_member": (Role.MEMBER, firm_a),
    }
    users: dict[str, User] = {}
    for key, (role, org) in specs.items():
        user = accounts.create_user(f"{key.replace('_', '-')}@example.jp", PASSWORD, role, display_name=key,
                                    organisation=org, verified=True)
        users[key] = user
    db.session.flush()
    organisations.set_coordinator_area(None, users["coordinator_a"], organisations.parse_area(ALL_SCHEMES, ("39",)))
    organisations.set_coordinator_area(None, users["coordinator_b"], organisations.parse_area(ALL_SCHEMES, ("20",)))
    for key in ("coordinator_a", "coordinator_b", "admin"):
        world.secrets[key] = enrol_second_factor(users[key])
    profile_a = _profile(users["candidate_a"], "39", Visibility.VERIFIED_ORGS)
    _profile(users["candidate_b"], "20", Visibility.VERIFIED_ORGS)

    def publish(org: Organisation, member: User, scheme: str, type_code: str, title: str, extra: dict) -> int:
        data = postings.PostingData(title=title, description="地域の課題を一緒に解決する方を募集します。",
                                    prefecture_code=org.prefecture_code, municipality_code=None, remote="either",
                                    skills=["自治体DX"], deadline=None, extra=extra)
        posting = postings.create_posting(member, org, scheme, type_code, data)
        postings.submit_for_review(member, posting)
        postings.approve(users["admin"], posting)
        return posting.id

    position = publish(org_a, users["member_a"], "accelerator", "position", "DX推進の支援",
                       {"capacity": 2, "employment_form": "part_time"})
    case = publish(firm_a, users["firm_member"], "succession", "case", "酒蔵の後継者",
                   {"disclosure": "anonymous", "firm_name": "土佐の酒蔵"})
    draft = postings.create_posting(users["member_a"], org_a, "accelerator", "position", postings.PostingData(
        title="下書きの募集", description="下書き", prefecture_code="39", municipality_code=None, remote="either",
        skills=[], deadline=None, extra={"capacity": 1, "employment_form": "part_time"}))
    db.session.flush()
    match = Match(posting_id=position, scheme="accelerator", seeker_ref=f"c{profile_a}",
                  candidate_profile_id=profile_a, score=0.8, explanation={})
    db.session.add(match)
    db.session.flush()
    pipeline.approve(users["coordinator_a"], match)
    pipeline.respond(users["candidate_a"], match, True)
    pipeline.respond(users["member_a"], match, True)
    pipeline.advance(users["coordinator_a"], match, "in_talks")
    # Timeline events whose stored notes are machine-made (shown in words: tests/access/test_visible_text.py).
    pipeline.set_next_step(users["coordinator_a"], match, "初回の打合せ", date(2026, 12, 1))
    pipeline.set_details(users["coordinator_a"], match, appointment_status="appointed")
    pipeline.advance(users["coordinator_a"], match, "agreed", outcome="hired")
    follow_up = pipeline.follow_ups(match)[0]
    search = SavedSearch(user_id=users["candidate_a"].id, name="高知のDX", target="postings", params={"q": "DX", "scheme": "accelerator", "remote": "remote"})
    db.session.add(search)
    bounce = BouncedAddress(address="bounced@example.jp", code=550, reason="5.1.1 User unknown")
    db.session.add(bounce)
    db.session.commit()
    world.users = {k: u.id for k, u in users.items()}
    world.emails = {k: u.email for k, u in users.items()}
    world.ids = {
        "posting_id": position, "draft_id": draft.id, "case_id": case, "match_id": match.id,
        "follow_up_id": follow_up.id, "profile_id": profile_a, "org_id": org_a.id, "user_id": users["candidate_a"].id,
        "search_id": search.id, "code": "accelerator", "scheme_code": "accelerator", "type_code": "position",
        "kind": "postings", "bounce_id": bounce.id,
    }
    return world


def _csrf_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def log_in(client, world: World, role: str, *, csrf: bool = False) -> None:
    """Sign ``client`` in as ``role`` (completing the second factor where required)."""
    if role == "anonymous":
        return
    data = {"email": world.emails[role], "password": PASSWORD}
    if csrf:
        data["csrf_token"] = _csrf_token(client, "/auth/login")
    response = client.post("/auth/login", data=data)
    if response.headers.get("Location", "").endswith("/auth/login/code"):
        code = {"code": pyotp.TOTP(world.secrets[role]).now()}
        if csrf:
            code["csrf_token"] = _csrf_token(client, "/auth/login/code")
        response = client.post("/auth/login/code", data=code)
    assert response.status_code == 302, (role, response.status_code)
