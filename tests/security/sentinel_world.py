"""A world whose private fields hold canary strings, and who is entitled to see each of them.

Every private value is a fresh random token (ASCII, so that HTML escaping, JSON ``\\u`` escapes,
CSV encodings and e-mail transfer encodings cannot hide it), so any appearance of one is
unambiguous. The world has the roles of ``tests/access/world.py`` plus the two firms' members,
and three matches of the same candidate that are put into one of the :data:`STATES`:

``suggested``  the engine's suggestions, nobody has acted yet
``approved``   a coordinator approved them and one side of each accepted (the other has not)
``introduced`` both sides accepted every introduction (one match went on to an agreement)
``disclosed``  still suggestions, but the succession firm approved the candidate's disclosure request

Entitlements (:func:`entitled`) restate the site's rules: contacts only to the other side and the
area's coordinators after an introduction both sides accepted (the operator also sees accounts'
e-mail addresses); a candidate's minimum side-job fee to nobody but the candidate, compensation to
the candidate and the area's coordinators only; a succession firm's real name, address and
financials to the firm's managers (its members, the coordinators covering it, admins) and to the
candidate after an accepted introduction or an approved disclosure request.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    DeliveryMode,
    Match,
    Organisation,
    OrgKind,
    Posting,
    Role,
    SavedSearch,
    User,
    Visibility,
    utcnow,
)
from marketplace.accounts import operations as accounts, api_tokens
from marketplace.digests import notifications
from marketplace.organisations import operations as organisations
from marketplace.matches import operations as pipeline
from marketplace.postings import operations as postings
from marketplace.profiles import operations as profiles
from marketplace.suggestions import bridge as suggestions
from tests.access.world import World
from tests.conftest import PASSWORD, enrol_second_factor

STATES = ("suggested", "approved", "introduced", "disclosed")
ROLES = ("anonymous", "candidate_a", "candidate_b", "member_a", "member_b", "firm_member", "tech_member",
         "coordinator_a", "coordinator_b", "admin")
ALL_SCHEMES = ("accelerator", "side_job", "succession", "startup", "adviser")


def _token(label: str) -> str:
    return f"CNRY{label}{secrets.token_hex(5).upper()}"


def _number(low: int, high: int) -> int:
    return low + secrets.randbelow(high - low)


@dataclass(frozen=True)
class Canaries:
    """One fresh set of private values (a new set per test run)."""

    candidate_email: str = field(default_factory=lambda: f"{_token('CE').lower()}@example.jp")
    candidate_phone: str = field(default_factory=lambda: f"080-{_number(1000, 9999)}-{_number(1000, 9999)}")
    compensation_min: int = field(default_factory=lambda: _number(3_100_000, 3_900_000))
    compensation_max: int = field(default_factory=lambda: _number(8_100_000, 8_900_000))
    fee_min: int = field(default_factory=lambda: _number(6_100_000, 6_900_000))
    member_email: str = field(default_factory=lambda: f"{_token('ME').lower()}@example.jp")
    firm_member_email: str = field(default_factory=lambda: f"{_token('FE').lower()}@example.jp")
    firm_org_name: str = field(default_factory=lambda: f"{_token('ORG')} 土佐の老舗酒蔵")
    firm_name: str = field(default_factory=lambda: f"{_token('FIRM')} 酒造株式会社")
    firm_address: str = field(default_factory=lambda: f"{_token('ADDR')} 高知市はりまや町")
    firm_financials: str = field(default_factory=lambda: f"{_token('FIN')} 売上高3億円")

    def patterns(self) -> dict[str, re.Pattern[str]]:
        """Every spelling under which each private value could appear, as one regex per value."""

        def token(text: str) -> str:
            return re.escape(text.split(" ")[0])

        def email(address: str) -> str:
            local = address.split("@")[0]
            return rf"{re.escape(address)}|{re.escape(local)}"

        def number(value: int) -> str:
            return rf"(?<![\d,]){value}(?![\d])|(?<![\d,]){value:,}(?![\d])|(?<![\d,]){value // 10_000}万{value % 10_000}"

        digits = self.candidate_phone.replace("-", "")
        return {key: re.compile(pattern) for key, pattern in {
            "candidate_email": email(self.candidate_email),
            "candidate_phone": rf"{re.escape(self.candidate_phone)}|(?<!\d){digits}(?!\d)",
            "compensation": rf"{number(self.compensation_min)}|{number(self.compensation_max)}",
            "fee_min": number(self.fee_min),
            "member_email": email(self.member_email),
            "firm_member_email": email(self.firm_member_email),
            "firm_org_name": token(self.firm_org_name),
            "firm_name": token(self.firm_name),
            "firm_address": token(self.firm_address),
            "firm_financials": token(self.firm_financials),
        }.items()}


FIRM_IDENTITY = ("firm_org_name", "firm_name", "firm_address", "firm_financials")
CANDIDATE_CONTACTS = ("candidate_email", "candidate_phone")
MEMBER_CONTACTS = ("member_email", "firm_member_email")


def entitled(role: str, key: str, state: str) -> bool:
    """May ``role`` see the private value ``key`` on the site in ``state``?"""
    introduced = state == "introduced"
    if key in FIRM_IDENTITY:
        return role in ("firm_member", "coordinator_a", "admin") or (
            role == "candidate_a" and state in ("introduced", "disclosed"))
    if key == "fee_min":
        return role == "candidate_a"
    if key == "compensation":
        return role in ("candidate_a", "coordinator_a", "admin")
    if key == "candidate_email":
        return role in ("candidate_a", "admin") or (
            introduced and role in ("member_a", "firm_member", "tech_member", "coordinator_a"))
    if key == "candidate_phone":
        return role == "candidate_a" or (
            introduced and role in ("member_a", "firm_member", "tech_member", "coordinator_a", "admin"))
    if key in MEMBER_CONTACTS:
        own = "member_a" if key == "member_email" else "firm_member"
        return role in (own, "admin") or (introduced and role in ("candidate_a", "coordinator_a"))
    raise AssertionError(key)


def entitled_by_mail(role: str, key: str, state: str) -> bool:
    """Mail carries no contacts but the recipient's own address, and never fees or compensation."""
    if key in ("fee_min", "compensation"):
        return False
    own = {"candidate_email": "candidate_a", "member_email": "member_a", "firm_member_email": "firm_member"}
    if key in own:
        return own[key] == role
    if key == "candidate_phone":
        return False
    return entitled(role, key, state)


@dataclass
class SentinelWorld(World):
    """The access-test world's shape (``users``, ``emails``, ``secrets``, ``ids``) plus the canaries."""

    canaries: Canaries = field(default_factory=Canaries)
    state: str = "suggested"
    api_secrets: dict[str, str] = field(default_factory=dict)
    #: URL parameter -> every value worth requesting (the first is the default).
    values: dict[str, list[object]] = field(default_factory=dict)
    roles_by_email: dict[str, str] = field(default_factory=dict)


def _publish(actor: User, org: Organisation, scheme: str, type_code: str, title: str, extra: dict, *,
             skills: tuple[str, ...] = ("自治体DX",), publish: bool = True) -> Posting:
    data = postings.PostingData(title=title, description=f"{title}。地域の課題を一緒に解決する方を募集します。",
                                prefecture_code=org.prefecture_code, municipality_code=None, remote="either",
                                skills=list(skills), deadline=None, extra=extra)
    posting = postings.create_posting(actor, org, scheme, type_code, data)
    if publish:
        postings.submit_for_review(actor, posting)
        postings.approve(actor, posting)
    db.session.flush()
    return posting


def _match(posting: Posting, profile_id: int, score: float) -> Match:
    """The engine's match of this pair (with its real explanation), or a new one."""
    match = db.session.scalar(sa.select(Match).where(Match.posting_id == posting.id,
                                                     Match.seeker_ref == f"c{profile_id}"))
    if match is None:
        match = Match(posting_id=posting.id, scheme=posting.scheme, seeker_ref=f"c{profile_id}",
                      candidate_profile_id=profile_id, score=score, explanation={})
        db.session.add(match)
        db.session.flush()
    return match


def _candidate(user: User, prefecture: str, canaries: Canaries | None) -> int:
    profile = profiles.get_or_create_profile(user)
    profiles.update_profile(user, profile, profiles.ProfileData(
        display_name=user.display_name, residence_prefecture=prefecture, work_prefectures=[prefecture],
        remote="either", available_from=None, hours_per_month=40, employment_forms=["part_time", "side_job"],
        compensation_min=canaries.compensation_min if canaries else None,
        compensation_max=canaries.compensation_max if canaries else None,
        skills=["自治体DX", "EC"], qualifications=[], other_qualifications="",
        self_intro="自治体のDXと販路開拓を支援してきました。",
        phone=canaries.candidate_phone if canaries else "", visibility=Visibility.VERIFIED_ORGS, careers=[]))
    profiles.set_opt_in(user, profile, "accelerator", {"years_experience": 8, "exams": [], "claims_equivalent": False,
                                                       "employment_forms": ["part_time"]})
    profiles.set_opt_in(user, profile, "side_job", {"hours_per_month": 20, "missions": ["dx", "ec_site"],
                                                    "monthly_fee_min": canaries.fee_min if canaries else 50_000,
                                                    "employment_forms": ["side_job"]})
    profiles.set_opt_in(user, profile, "succession", {"industries": ["food_processing"],
                                                      "employment_forms": ["owner_successor"]})
    db.session.flush()
    return profile.id


def build_sentinel_world(state: str) -> SentinelWorld:
    """Create the world in the current app context, move its matches to ``state`` and commit."""
    assert state in STATES, state
    world = SentinelWorld(state=state)
    canaries = world.canaries
    org_a = Organisation(name="高知県", kind=OrgKind.PREFECTURE, prefecture_code="39", verified=True)
    org_b = Organisation(name="長野県", kind=OrgKind.PREFECTURE, prefecture_code="20", verified=True)
    firm = Organisation(name=canaries.firm_org_name, kind=OrgKind.FIRM, prefecture_code="39", verified=True)
    tech = Organisation(name="土佐テック株式会社", kind=OrgKind.FIRM, prefecture_code="39", verified=True)
    city = Organisation(name="高知県 総務部", kind=OrgKind.PREFECTURE, prefecture_code="39", verified=True)
    db.session.add_all([org_a, org_b, firm, tech, city])
    db.session.flush()
    specs = {
        "candidate_a": (Role.CANDIDATE, None, canaries.candidate_email),
        "candidate_b": (Role.CANDIDATE, None, "candidate-b@example.jp"),
        "member_a": (Role.MEMBER, org_a, canaries.member_email),
        "member_b": (Role.MEMBER, org_b, "member-b@example.jp"),
        "firm_member": (Role.MEMBER, firm, canaries.firm_member_email),
        "tech_member": (Role.MEMBER, tech, "tech-member@example.jp"),
        "coordinator_a": (Role.COORDINATOR, None, "coordinator-a@example.jp"),
        "coordinator_b": (Role.COORDINATOR, None, "coordinator-b@example.jp"),
        "admin": (Role.ADMIN, None, "admin@example.jp"),
        "city_member": (Role.MEMBER, city, "city-member@example.jp"),  # the background match's other side
    }
    users: dict[str, User] = {}
    for key, (role, org, email) in specs.items():
        users[key] = accounts.create_user(email, PASSWORD, role, display_name=key.replace("_", " "),
                                          organisation=org, verified=True)
        users[key].created_at = utcnow() - timedelta(days=3)  # digests look back to the account's creation
    db.session.flush()
    organisations.set_coordinator_area(None, users["coordinator_a"], organisations.parse_area(ALL_SCHEMES, ("39",)))
    organisations.set_coordinator_area(None, users["coordinator_b"], organisations.parse_area(ALL_SCHEMES, ("20",)))
    for key in ("coordinator_a", "coordinator_b", "admin"):
        world.secrets[key] = enrol_second_factor(users[key])
    profile_a = _candidate(users["candidate_a"], "39", canaries)
    profile_b = _candidate(users["candidate_b"], "20", None)
    # Personal notices of some people wait for their daily digest: those digests render them too.
    for key in ("coordinator_a", "firm_member", "candidate_b"):
        notifications.set_modes(users[key], {"introduction": DeliveryMode.DAILY, "message": DeliveryMode.DAILY})

    admin = users["admin"]
    position = _publish(admin, org_a, "accelerator", "position", "DX推進の支援",
                        {"capacity": 3, "employment_form": "part_time"})
    case = _publish(admin, firm, "succession", "case", "創業80年の酒蔵の後継者", {
        "categories": ["food_processing"], "employment_form": "owner_successor", "sales_band": "100m_500m",
        "employees_band": "6_20", "disclosure": "anonymous", "firm_name": canaries.firm_name,
        "address": canaries.firm_address, "financials": canaries.firm_financials}, skills=())
    project = _publish(admin, tech, "side_job", "project", "ECサイトの立ち上げ支援", {
        "categories": ["ec_site", "dx"], "employment_form": "side_job", "months": 3,
        "monthly_budget_max": 300_000, "hours_per_month": 20}, skills=("EC", "自治体DX"))
    city_position = _publish(admin, city, "accelerator", "position", "市のDX推進", {"capacity": 2,
                                                                                "employment_form": "part_time"})
    draft = _publish(users["member_a"], org_a, "accelerator", "position", "下書きの募集",
                     {"capacity": 1, "employment_form": "part_time"}, publish=False)
    case_draft = _publish(users["firm_member"], firm, "succession", "case", "下書きの承継案件", {
        "categories": ["food_processing"], "employment_form": "owner_successor", "disclosure": "anonymous",
        "firm_name": canaries.firm_name}, skills=(), publish=False)
    db.session.commit()

    suggestions.refresh_all()  # the real engine writes the real explanations first
    m_pos, m_case, m_proj = _match(position, profile_a, 80.0), _match(case, profile_a, 70.0), _match(project, profile_a, 60.0)
    background = _match(city_position, profile_b, 50.0)  # agreed, so that follow-up pages exist in every state
    coordinator = users["coordinator_a"]
    pipeline.approve(coordinator, background)
    pipeline.respond(users["candidate_b"], background, True)
    pipeline.respond(users["city_member"], background, True)
    pipeline.advance(coordinator, background, "in_talks")
    pipeline.advance(coordinator, background, "agreed", outcome="hired")
    _move_to(state, users, (m_pos, m_case, m_proj), case)
    follow_up = pipeline.follow_ups(background)[0]
    search = SavedSearch(user_id=users["candidate_a"].id, name="高知のDX", target="postings", params={"q": "DX"})
    db.session.add(search)
    for key, user in users.items():
        _token_row, secret = api_tokens.create_token(user, "leak sentinel")
        world.api_secrets[key] = secret
    db.session.commit()

    world.users = {k: u.id for k, u in users.items()}
    world.emails = {k: u.email for k, u in users.items()}
    world.roles_by_email = {u.email: k for k, u in users.items()}
    world.values = {
        "posting_id": [position.id, case.id, project.id, draft.id, case_draft.id, city_position.id],
        "draft_id": [draft.id], "case_id": [case.id],
        "match_id": [m_pos.id, m_case.id, m_proj.id, background.id],
        "follow_up_id": [follow_up.id], "profile_id": [profile_a, profile_b],
        "org_id": [org_a.id, firm.id, tech.id], "user_id": [users["candidate_a"].id, users["member_a"].id,
                                                           users["firm_member"].id],
        "search_id": [search.id], "code": ["side_job", "succession", "39"], "scheme_code": ["succession", "side_job"],
        "type_code": ["case", "project"], "kind": ["postings", "candidates", "matches", "invitations"],
        "token": ["not-a-valid-token"], "token_id": [1], "filename": ["css/app.css"],
    }
    world.ids = {name: values[0] for name, values in world.values.items()}
    world.ids.update({"m_pos": m_pos.id, "m_case": m_case.id, "m_proj": m_proj.id, "case": case.id,
                      "profile_a": profile_a, "firm": firm.id})
    return world


def _move_to(state: str, users: dict[str, User], matches: tuple[Match, Match, Match], case: Posting) -> None:
    """Put the candidate's three matches (position, succession case, side-job project) into ``state``."""
    m_pos, m_case, m_proj = matches
    coordinator, candidate = users["coordinator_a"], users["candidate_a"]
    if state == "suggested":
        pipeline.express_interest(candidate, m_case)
        pipeline.express_interest(users["tech_member"], m_proj)
    elif state in ("approved", "introduced"):
        for match in matches:
            pipeline.approve(coordinator, match)
        pipeline.respond(users["member_a"], m_pos, True)  # the poster first: the candidate has not answered
        pipeline.respond(candidate, m_case, True, nda_accepted=True)  # the candidate first: the firm has not
        pipeline.respond(candidate, m_proj, True)
        if state == "introduced":
            pipeline.respond(candidate, m_pos, True)
            pipeline.respond(users["firm_member"], m_case, True)
            pipeline.respond(users["tech_member"], m_proj, True)
            pipeline.advance(coordinator, m_pos, "in_talks")
            pipeline.advance(coordinator, m_pos, "agreed", outcome="hired")
            for match, poster in ((m_case, "firm_member"), (m_proj, "tech_member")):
                pipeline.post_message(candidate, match, "はじめまして。よろしくお願いします。")
                pipeline.post_message(users[poster], match, "ご連絡ありがとうございます。")
    elif state == "disclosed":
        request = postings.request_disclosure(candidate, case, "詳しく伺いたいです。")
        postings.decide_disclosure(users["firm_member"], request, True)
        declined = postings.request_disclosure(users["candidate_b"], case, "興味があります。")
        postings.decide_disclosure(users["firm_member"], declined, False)
    db.session.flush()
