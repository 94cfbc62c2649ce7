"""A small, deterministic world to attack: verified organisations of every kind that posts, one
published posting per posting type, a candidate with a profile and opt-ins, matches at several
stages (suggested, approved, introduced, trial, agreed with follow-ups), a saved search, an API
token, a disclosure request and a prefecture's support structure.

Built the same way in every test, so ids and URL parameters found while crawling one world name
the same objects in the next. ``param_candidates`` lists, per URL variable name, the values worth
trying (tokens are recomputed per world: they are signed with a timestamp).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pyotp

from marketplace.extensions import db
from marketplace.models import (
    Match, Municipality, Organisation, OrgKind, Posting, Role, User, Visibility, utcnow,
)
from marketplace.schemes.registry import SCHEMES
from marketplace.accounts import operations as accounts, api_tokens
from marketplace.digests import notifications
from marketplace.organisations import operations as organisations
from marketplace.matches import operations as pipeline, notices as pipeline_notices
from marketplace.postings import operations as postings, search
from marketplace.profiles import operations as profiles
from marketplace.core import tokens

PASSWORD = "correct-Horse-battery-9"
KOCHI = "39"

#: Who may act: one user per role, one member per kind of organisation, and nobody.
ACTORS = ("anonymous", "candidate", "member_pref", "member_muni", "member_firm", "member_startup",
          "coordinator", "admin")


@dataclass
class FuzzWorld:
    users: dict[str, int] = field(default_factory=dict)  # actor name → user id (plus "outsider")
    emails: dict[str, str] = field(default_factory=dict)
    totp: dict[str, str] = field(default_factory=dict)  # actor name → TOTP secret
    orgs: dict[str, int] = field(default_factory=dict)
    postings: dict[str, int] = field(default_factory=dict)  # posting type code → id
    matches: dict[str, int] = field(default_factory=dict)  # stage → id
    profile: int = 0
    other_profile: int = 0
    follow_ups: list[int] = field(default_factory=list)
    saved_search: int = 0
    bounce: int = 0
    api_token: int = 0
    api_secrets: dict[str, str] = field(default_factory=dict)
    candidates: dict[str, list[str]] = field(default_factory=dict)  # URL values, see ``param_candidates``
    token_owners: dict[str, int] = field(default_factory=dict)  # signed token in a URL → the user it names

    def ids(self) -> dict[str, object]:
        """Everything that must come out identical when the world is built again."""
        return {"users": self.users, "orgs": self.orgs, "postings": self.postings, "matches": self.matches,
                "profile": self.profile, "follow_ups": self.follow_ups, "saved_search": self.saved_search,
                "api_token": self.api_token}


def _user(world: FuzzWorld, actor: str, role: Role, org: Organisation | None = None) -> User:
    email = f"{actor}@fuzz.example.jp"
    user = accounts.create_user(email, PASSWORD, role, display_name=f"{actor} 利用者", organisation=org, verified=True)
    world.users[actor], world.emails[actor] = user.id, email
    if role in (Role.COORDINATOR, Role.ADMIN):
        user.totp_secret = pyotp.random_base32()
        user.totp_enabled_at = utcnow()
        world.totp[actor] = user.totp_secret
    return user


def _org(world: FuzzWorld, key: str, name: str, kind: OrgKind, municipality: str | None = None) -> Organisation:
    org = Organisation(name=name, kind=kind, prefecture_code=KOCHI, municipality_code=municipality, verified=True)
    db.session.add(org)
    db.session.flush()
    world.orgs[key] = org.id
    return org


_EXTRAS = {
    "position": {"capacity": 2, "employment_form": "part_time", "support_tasks": ["dx_plan"]},
    "cio_adviser": {"capacity": 1, "employment_form": "part_time"},
    "project": {"categories": ["dx"], "employment_form": "side_job", "months": 3, "monthly_budget_max": 100_000},
    "case": {"categories": ["food_processing"], "employment_form": "owner_successor", "sales_band": "lt_10m",
             "employees_band": "0_5", "disclosure": "anonymous", "firm_name": "非公開酒造 本店"},
    "challenge": {"categories": [], "employment_form": "procurement"},
    "solution": {"exits": ["procurement"], "categories": []},
    "request": {"employment_form": "dx", "topic": "庁内DXの進め方", "delivery": "online"},
}
_POSTERS = {"position": "pref", "cio_adviser": "muni", "project": "firm", "case": "firm", "challenge": "muni",
            "solution": "startup", "request": "muni"}


def _first_choice(scheme_code: str, type_code: str, name: str) -> str | None:
    for posting_type in SCHEMES[scheme_code].posting_types:
        if posting_type.code == type_code:
            spec = next((s for s in posting_type.fields if s.name == name), None)
            return spec.choices[0][0] if spec and spec.choices else None
    return None


def _postings(world: FuzzWorld, coordinator: User) -> None:
    for scheme in SCHEMES.values():
        for posting_type in scheme.posting_types:
            code = posting_type.code
            extra = dict(_EXTRAS.get(code, {}))
            if extra.get("categories") == []:
                extra["categories"] = [_first_choice(scheme.code.value, code, "categories")]
            org = db.session.get(Organisation, world.orgs[_POSTERS[code]])
            data = postings.PostingData(
                title=f"{posting_type.code} の募集", description="地域の課題を一緒に解決してくれる方を募集します。",
                prefecture_code=KOCHI, municipality_code=None, remote="either", skills=["自治体DX"],
                deadline=None, extra=extra)
            posting = postings.create_posting(coordinator, org, scheme.code.value, code, data)
            postings.submit_for_review(coordinator, posting)
            postings.approve(coordinator, posting)
            world.postings[code] = posting.id
    draft_org = db.session.get(Organisation, world.orgs["pref"])
    draft = postings.create_posting(coordinator, draft_org, "accelerator", "position", postings.PostingData(
        title="下書きの募集", description="下書きです。", prefecture_code=KOCHI, municipality_code=None,
        remote="either", skills=[], deadline=None, extra=dict(_EXTRAS["position"])))
    world.postings["draft"] = draft.id


def _profile(user: User, name: str, skills: list[str]) -> int:
    profile = profiles.get_or_create_profile(user)
    profiles.update_profile(user, profile, profiles.ProfileData(
        display_name=name, residence_prefecture=KOCHI, work_prefectures=[KOCHI], remote="either",
        available_from=None, hours_per_month=40, employment_forms=["part_time", "side_job"], compensation_min=None,
        compensation_max=None, skills=skills, qualifications=[], other_qualifications="",
        self_intro="自治体のDXを支援してきました。", phone="090-1111-2222", visibility=Visibility.COORDINATORS,
        careers=[]))
    profiles.set_opt_in(user, profile, "accelerator", {"years_experience": 8, "exams": [], "claims_equivalent": False,
                                                      "equivalent_note": "", "employment_forms": ["part_time"]})
    profiles.set_opt_in(user, profile, "side_job", {"hours_per_month": 20, "monthly_fee_min": None,
                                                    "missions": ["dx"], "employment_forms": ["side_job"]})
    return profile.id


def _match(world: FuzzWorld, posting: str, *, solution: str | None = None) -> Match:
    posting_id = world.postings[posting]
    scheme = db.session.get(Posting, posting_id).scheme
    if solution:
        match = Match(posting_id=posting_id, scheme=scheme, seeker_ref=f"s{world.postings[solution]}",
                      solution_posting_id=world.postings[solution], score=0.7, explanation={})
    else:
        match = Match(posting_id=posting_id, scheme=scheme, seeker_ref=f"c{world.profile}",
                      candidate_profile_id=world.profile, score=0.8, explanation={"shared_skills": ["自治体DX"]})
    db.session.add(match)
    db.session.flush()
    return match


def _matches(world: FuzzWorld, coordinator: User) -> None:
    candidate = db.session.get(User, world.users["candidate"])
    suggested = _match(world, "position")
    approved = _match(world, "project")
    pipeline.approve(coordinator, approved)
    introduced = _match(world, "request")
    pipeline.approve(coordinator, introduced)
    pipeline.respond(candidate, introduced, True)
    pipeline.respond(pipeline.poster_users(introduced)[0], introduced, True)
    trial = _match(world, "case")
    pipeline.approve(coordinator, trial)
    pipeline.respond(candidate, trial, True, nda_accepted=True)
    pipeline.respond(pipeline.poster_users(trial)[0], trial, True)
    pipeline.advance(coordinator, trial, "in_talks")
    pipeline.advance(coordinator, trial, "trial")
    today = utcnow().date()
    pipeline.set_trial_dates(coordinator, trial, today - timedelta(days=10), today + timedelta(days=50))
    agreed = _match(world, "cio_adviser")
    pipeline.approve(coordinator, agreed)
    pipeline.respond(candidate, agreed, True)
    pipeline.respond(pipeline.poster_users(agreed)[0], agreed, True)
    pipeline.advance(coordinator, agreed, "in_talks")
    pipeline.advance(coordinator, agreed, "agreed", outcome="hired")
    startup = _match(world, "challenge", solution="solution")
    world.matches = {"suggested": suggested.id, "approved": approved.id, "introduced": introduced.id,
                     "trial": trial.id, "agreed": agreed.id, "startup": startup.id}
    world.follow_ups = [f.id for f in pipeline.follow_ups(agreed)]


def build_world() -> FuzzWorld:
    """Create the world in the current app context and commit it."""
    world = FuzzWorld()
    db.session.add(Municipality(code="392014", prefecture_code=KOCHI, name_ja="高知市", name_kana="こうちし",
                                kind="city"))
    pref = _org(world, "pref", "高知県", OrgKind.PREFECTURE)
    muni = _org(world, "muni", "高知市役所", OrgKind.MUNICIPALITY, "392014")
    firm = _org(world, "firm", "土佐テスト酒造株式会社", OrgKind.FIRM)
    startup = _org(world, "startup", "株式会社テストスタートアップ", OrgKind.STARTUP)
    _org(world, "unverified", "未確認の団体", OrgKind.FIRM).verified = False
    candidate = _user(world, "candidate", Role.CANDIDATE)
    outsider = _user(world, "outsider", Role.CANDIDATE)
    for key, org in (("pref", pref), ("muni", muni), ("firm", firm), ("startup", startup)):
        _user(world, f"member_{key}", Role.MEMBER, org)
    coordinator = _user(world, "coordinator", Role.COORDINATOR)
    organisations.set_coordinator_area(None, coordinator, organisations.parse_area(
        [s for s in SCHEMES], [KOCHI]))
    _user(world, "admin", Role.ADMIN)
    with pipeline_notices.suppressed():
        world.profile = _profile(candidate, "山田 花子", ["自治体DX", "データ分析"])
        world.other_profile = _profile(outsider, "佐藤 次郎", ["営業"])
        _postings(world, coordinator)
        _matches(world, coordinator)
        world.saved_search = search.save_search(candidate, "高知のDX", "postings", {"prefecture": KOCHI}).id
        from marketplace.models import BouncedAddress

        bounce = BouncedAddress(address="bounced-fuzz@example.jp", code=550, reason="5.1.1 User unknown")
        db.session.add(bounce)
        db.session.flush()
        world.bounce = bounce.id
        token, secret = api_tokens.create_token(candidate, "fuzz")
        world.api_token, world.api_secrets["candidate"] = token.id, secret
        for actor in ("coordinator", "member_pref"):
            _token, world.api_secrets[actor] = api_tokens.create_token(db.session.get(User, world.users[actor]), "fuzz")
        postings.request_disclosure(candidate, db.session.get(Posting, world.postings["case"]), "開示をお願いします")
    db.session.commit()
    return world


def param_candidates(world: FuzzWorld, name: str) -> list[str]:
    """Values worth trying for the URL variable ``name`` (computed once per world, in an app context)."""
    if not world.candidates:
        world.candidates = _all_candidates(world)
    return world.candidates.get(name, [])


def _all_candidates(world: FuzzWorld) -> dict[str, list[str]]:
    users = {name: db.session.get(User, uid) for name, uid in world.users.items()}
    table: dict[str, list[object]] = {
        # objects that show different forms come first (the crawl moves on when pages repeat themselves)
        "posting_id": [world.postings[k] for k in ("draft", "case", "position", "challenge", "solution", "project",
                                                   "request", "cio_adviser")],
        "match_id": [world.matches[k] for k in ("suggested", "agreed", "trial", "approved", "introduced", "startup")],
        "follow_up_id": world.follow_ups,
        "org_id": list(world.orgs.values()),
        "profile_id": [world.profile, world.other_profile],
        "user_id": [world.users["outsider"], world.users["candidate"], world.users["member_pref"]],
        "token_id": [world.api_token],
        "search_id": [world.saved_search],
        "bounce_id": [world.bounce],
        "code": list(SCHEMES) + [KOCHI, "13"],
        "kind": ["postings", "invitations"],
        "scheme_code": list(SCHEMES),
        "type_code": [t.code for s in SCHEMES.values() for t in s.posting_types],
        "token": [],
    }
    for owner, token in (
        ("candidate", tokens.make_token(tokens.PASSWORD_RESET, {
            "uid": users["candidate"].id, "fp": accounts._reset_fingerprint(users["candidate"])})),
        ("candidate", notifications.unsubscribe_token(users["candidate"], "all")),
        ("outsider", tokens.make_token(tokens.EMAIL_VERIFY, {"uid": users["outsider"].id,
                                                             "email": users["outsider"].email})),
    ):
        table["token"].append(token)
        world.token_owners[token] = users[owner].id
    return {name: [str(v) for v in values] for name, values in table.items()}


def scheme_type_pairs() -> set[tuple[str, str]]:
    """(scheme code, posting type code) pairs that exist."""
    return {(s, t.code) for s, scheme in SCHEMES.items() for t in scheme.posting_types}
