"""Per-field visibility: every field × every level × every audience, over every page, export, API answer and mail.

Each candidate of the world holds canary strings in the four fields a candidate controls (name, contact —
e-mail and phone —, career, self-introduction) and one combination of choices: every field level under every
profile-level choice, plus one candidate whose fields all differ, one introduced to a firm (an accepted
introduction) and one in an approved match the same firm has not yet been introduced to. Every GET route of
the URL map is requested by every audience with every candidate and match filled in; the daily digests and the
pipeline notices are read from the outbox; keyword searches for each canary are run as each organisation.

:func:`entitled` restates the rule independently of ``marketplace/profiles/visibility.py``: a field reaches
coordinators of the candidate's area (and admins) from "coordinators", verified organisations from "verified
organisations", every organisation from "public", never more widely than the profile itself; an accepted
introduction shows the name and the contact details to the other side and the match's coordinators. Admins
also see every account's e-mail address. The test fails both ways: a canary where it may not be, and an
entitled audience not shown a field where the site is meant to show it.
"""
from __future__ import annotations

import itertools
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import timedelta

import pytest
from flask import url_for

from marketplace.extensions import db
from marketplace.models import FieldVisibility, Match, Organisation, OrgKind, Role, User, Visibility, utcnow
from marketplace.accounts import operations as accounts, api_tokens
from marketplace.organisations import operations as organisations
from marketplace.digests import outbox
from marketplace.matches import operations as pipeline
from marketplace.postings import operations as postings
from marketplace.profiles import operations as profiles
from marketplace.digests import builder
from tests.access.observe import SKIP_ENDPOINTS
from tests.access.world import World, log_in
from tests.conftest import PASSWORD, enrol_second_factor
from tests.security.scan import found, mail_parts, response_parts

F = FieldVisibility
FIELDS = ("name", "email", "phone", "career", "intro")  # contact is e-mail and phone
SETTING = {"name": "name", "email": "contact", "phone": "contact", "career": "career", "intro": "intro"}
ROLES = ("anonymous", "other_candidate", "unverified_member", "verified_member", "firm_member",
         "coordinator_a", "coordinator_b", "admin")
#: The audience each role is in for the candidates of area A (Kochi), restated here.
AUDIENCE = {"unverified_member": "org", "verified_member": "verified", "firm_member": "verified",
            "coordinator_a": "coordinator", "admin": "coordinator"}
LEVEL_REACH = {F.INTRODUCED: set(), F.COORDINATORS: {"coordinator"}, F.VERIFIED_ORGS: {"coordinator", "verified"},
               F.PUBLIC: {"coordinator", "verified", "org"}}
LISTING_REACH = {Visibility.COORDINATORS: LEVEL_REACH[F.COORDINATORS],
                 Visibility.VERIFIED_ORGS: LEVEL_REACH[F.VERIFIED_ORGS],
                 Visibility.PUBLIC_SUMMARY: LEVEL_REACH[F.PUBLIC]}
ALL_SCHEMES = ("accelerator", "side_job", "succession", "startup", "adviser")


def _token(label: str) -> str:
    return f"CNRY{label}{secrets.token_hex(5).upper()}"


@dataclass
class Person:
    """One candidate: the choices and the canaries."""

    key: str
    listing: Visibility
    levels: dict[str, FieldVisibility]  # by setting: name, contact, career, intro
    introduced: bool = False
    canaries: dict[str, str] = field(default_factory=dict)
    profile_id: int = 0
    user_id: int = 0

    def __post_init__(self) -> None:
        digits = f"{secrets.randbelow(9000) + 1000}{secrets.randbelow(9000) + 1000}"
        self.canaries = {"name": _token("NM"), "email": f"{_token('EM').lower()}@example.jp",
                         "phone": f"080-{digits[:4]}-{digits[4:]}", "career": _token("CR"), "intro": _token("IN")}

    def patterns(self) -> dict[str, re.Pattern[str]]:
        phone = self.canaries["phone"]
        out = {f: re.compile(re.escape(v)) for f, v in self.canaries.items() if f not in ("phone", "email")}
        local = self.canaries["email"].split("@")[0]
        out["email"] = re.compile(re.escape(local), re.I)
        out["phone"] = re.compile(rf"{re.escape(phone)}|(?<!\d){phone.replace('-', '')}(?!\d)")
        return out


def entitled(role: str, person: Person, name: str) -> bool:
    """May ``role`` see field ``name`` of ``person``? (The rule, restated.)"""
    if role == "admin" and name == "email":
        return True  # the operator's account list
    if person.introduced and SETTING[name] in ("name", "contact") and role in ("firm_member", "coordinator_a", "admin"):
        return True
    audience = AUDIENCE.get(role)
    if audience is None:
        return False
    return audience in LEVEL_REACH[person.levels[SETTING[name]]] and audience in LISTING_REACH[person.listing]


def _people() -> list[Person]:
    people = []
    for listing in Visibility:
        for level in F:
            others = F.COORDINATORS if level == F.INTRODUCED else level
            people.append(Person(f"{listing.value}-{level.value}", listing,
                                 {"name": others, "contact": level, "career": others, "intro": others}))
    # every field on its own level (widest listing): a field's choice does not leak into another's
    people.append(Person("mixed", Visibility.PUBLIC_SUMMARY, {"name": F.PUBLIC, "contact": F.INTRODUCED,
                                                              "career": F.COORDINATORS, "intro": F.VERIFIED_ORGS}))
    people.append(Person("mixed2", Visibility.PUBLIC_SUMMARY, {"name": F.COORDINATORS, "contact": F.PUBLIC,
                                                               "career": F.VERIFIED_ORGS, "intro": F.COORDINATORS}))
    # introduced to the firm, everything else as narrow as it goes
    people.append(Person("introduced", Visibility.COORDINATORS, {"name": F.COORDINATORS, "contact": F.INTRODUCED,
                                                                 "career": F.COORDINATORS, "intro": F.COORDINATORS},
                         introduced=True))
    # approved for the firm, not yet introduced: its name is for verified organisations
    people.append(Person("pending", Visibility.VERIFIED_ORGS, {"name": F.VERIFIED_ORGS, "contact": F.INTRODUCED,
                                                               "career": F.COORDINATORS, "intro": F.VERIFIED_ORGS}))
    return people


@dataclass
class VisibilityWorld(World):
    people: list[Person] = field(default_factory=list)
    values: dict[str, list[object]] = field(default_factory=dict)
    api_secrets: dict[str, str] = field(default_factory=dict)
    roles_by_email: dict[str, str] = field(default_factory=dict)
    matches: dict[str, int] = field(default_factory=dict)


def _build() -> VisibilityWorld:
    world = VisibilityWorld(people=_people())
    kochi = Organisation(name="高知県", kind=OrgKind.PREFECTURE, prefecture_code="39", verified=True)
    firm = Organisation(name="高知県 総務部", kind=OrgKind.PREFECTURE, prefecture_code="39", verified=True)
    unverified = Organisation(name="未確認の団体", kind=OrgKind.FIRM, prefecture_code="39", verified=False)
    db.session.add_all([kochi, firm, unverified])
    db.session.flush()
    specs = {"other_candidate": (Role.CANDIDATE, None), "unverified_member": (Role.MEMBER, unverified),
             "verified_member": (Role.MEMBER, kochi), "firm_member": (Role.MEMBER, firm),
             "coordinator_a": (Role.COORDINATOR, None), "coordinator_b": (Role.COORDINATOR, None),
             "admin": (Role.ADMIN, None)}
    users: dict[str, User] = {}
    for key, (role, org) in specs.items():
        users[key] = accounts.create_user(f"{key.replace('_', '-')}@example.jp", PASSWORD, role,
                                          display_name=key.replace("_", " "), organisation=org, verified=True)
        users[key].created_at = utcnow() - timedelta(days=3)
    db.session.flush()
    organisations.set_coordinator_area(None, users["coordinator_a"], organisations.parse_area(ALL_SCHEMES, ("39",)))
    organisations.set_coordinator_area(None, users["coordinator_b"], organisations.parse_area(ALL_SCHEMES, ("20",)))
    for key in ("coordinator_a", "coordinator_b", "admin"):
        world.secrets[key] = enrol_second_factor(users[key])
    for person in world.people:
        user = accounts.create_user(person.canaries["email"], PASSWORD, Role.CANDIDATE,
                                    display_name=person.canaries["name"], verified=True)
        user.created_at = utcnow() - timedelta(days=3)
        profile = profiles.get_or_create_profile(user)
        profiles.update_profile(user, profile, profiles.ProfileData(
            display_name=person.canaries["name"], residence_prefecture="39", work_prefectures=["39"], remote="either",
            available_from=None, hours_per_month=40, employment_forms=["part_time"], compensation_min=None,
            compensation_max=None, skills=["自治体DX"], qualifications=[], other_qualifications="",
            self_intro=f"{person.canaries['intro']} 自治体のDXを支援してきました。", phone=person.canaries["phone"],
            visibility=person.listing, careers=[profiles.Career("株式会社サンプル", person.canaries["career"], 5.0)],
            field_visibility=dict(person.levels)))
        profiles.set_opt_in(user, profile, "accelerator", {"years_experience": 8, "exams": [],
                                                           "claims_equivalent": False, "employment_forms": ["part_time"]})
        db.session.flush()
        person.profile_id, person.user_id = profile.id, user.id
        users[person.key] = user

    admin = users["admin"]
    data = postings.PostingData(title="DX推進の支援", description="地域の課題を一緒に解決する方を募集します。",
                                prefecture_code="39", municipality_code=None, remote="either", skills=["自治体DX"],
                                deadline=None, extra={"capacity": 3, "employment_form": "part_time"})
    posting = postings.create_posting(users["firm_member"], firm, "accelerator", "position", data)
    postings.submit_for_review(users["firm_member"], posting)
    postings.approve(admin, posting)
    db.session.flush()
    coordinator = users["coordinator_a"]
    for person in world.people:
        if person.key not in ("introduced", "pending"):
            continue
        match = Match(posting_id=posting.id, scheme="accelerator", seeker_ref=f"c{person.profile_id}",
                      candidate_profile_id=person.profile_id, score=70.0, explanation={})
        db.session.add(match)
        db.session.flush()
        pipeline.approve(coordinator, match)
        pipeline.respond(users[person.key], match, True)
        if person.introduced:
            pipeline.respond(users["firm_member"], match, True)
            pipeline.post_message(users[person.key], match, "はじめまして。")
        world.matches[person.key] = match.id
    for key in ROLES[1:]:
        _row, secret = api_tokens.create_token(users[key], "field visibility")
        world.api_secrets[key] = secret
    db.session.commit()

    world.users = {k: u.id for k, u in users.items()}
    world.emails = {k: u.email for k, u in users.items()}
    world.roles_by_email = {u.email: k for k, u in users.items()}
    candidate_users = [p.user_id for p in world.people]
    world.values = {
        "profile_id": [p.profile_id for p in world.people], "match_id": list(world.matches.values()),
        "posting_id": [posting.id], "draft_id": [posting.id], "case_id": [posting.id], "follow_up_id": [1],
        "org_id": [kochi.id, firm.id, unverified.id], "user_id": candidate_users, "search_id": [1],
        "code": ["accelerator", "39"], "scheme_code": ["accelerator"], "type_code": ["position"],
        "kind": ["candidates", "matches"], "token": ["not-a-valid-token"], "token_id": [1],
        "filename": ["css/app.css"],
    }
    world.ids = {name: values[0] for name, values in world.values.items()}
    return world


def _paths(app, world: VisibilityWorld) -> list[str]:
    paths: list[str] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIP_ENDPOINTS or "GET" not in (rule.methods or ()):
            continue
        names = sorted(rule.arguments)
        missing = [n for n in names if n not in world.values]
        assert not missing, f"{rule.rule}: no value for {missing}: add it to tests/security/test_field_visibility.py"
        for combination in itertools.product(*(world.values[n] for n in names)):
            built = rule.build(dict(zip(names, combination, strict=True)), append_unknown=False)
            paths.append(built[1])
    extra = ["/organisations/candidates?per_page=100", "/coordination/candidates?page=2",
             "/api/v1/coordination/queue?per_page=100", "/api/v1/me/suggestions?per_page=100"]
    return list(dict.fromkeys(paths)) + extra


@pytest.fixture
def world(app) -> VisibilityWorld:
    with app.app_context():
        built = _build()
        db.session.remove()
    return built


def _expected(app, world: VisibilityWorld) -> list[tuple[str, str, str, str]]:
    """(role, path, person key, field) the site is meant to show: where an entitled audience reads each field."""
    expected = []
    with app.test_request_context():
        for person in world.people:
            org_page = url_for("organisations.candidate_detail", profile_id=person.profile_id)
            coordinator_page = url_for("coordination.area_candidate_detail", profile_id=person.profile_id)
            for name in FIELDS:
                for role in ("unverified_member", "verified_member"):
                    if entitled(role, person, name):
                        expected.append((role, org_page, person.key, name))
                # an introduction opens the match's pages, not the profile page
                if entitled("coordinator_a", replace(person, introduced=False), name):
                    expected.append(("coordinator_a", coordinator_page, person.key, name))
            if person.key in world.matches:
                page = url_for("matches.detail", match_id=world.matches[person.key])
                expected += [("firm_member", page, person.key, name) for name in FIELDS
                             if entitled("firm_member", person, name)]
                page = url_for("coordination.match_detail", match_id=world.matches[person.key])
                expected += [("coordinator_a", page, person.key, name) for name in ("name", "email", "phone")
                             if entitled("coordinator_a", person, name)]
    return expected


def test_each_field_reaches_exactly_the_audiences_its_choice_names(app, mailbox, world):
    patterns = {p.key: p.patterns() for p in world.people}
    people = {p.key: p for p in world.people}
    paths = _paths(app, world)
    leaks, seen, problems, requests, clients = [], defaultdict(set), [], 0, {}
    for role in ROLES:
        client = clients[role] = app.test_client()
        log_in(client, world, role)
        bearer = {"Authorization": f"Bearer {world.api_secrets[role]}"} if role != "anonymous" else {}
        for path in paths:
            response = client.get(path, headers=bearer if path.startswith("/api/") else {})
            requests += 1
            if response.status_code >= 500:
                problems.append(f"{response.status_code} on GET {path} as {role}")
            parts = response_parts(response)
            for key, person_patterns in patterns.items():
                for name, where in found(person_patterns, parts):
                    seen[(role, path)].add((key, name))
                    if not entitled(role, people[key], name):
                        leaks.append(f"{key}.{name} in the {where} of GET {path} ({response.status_code}) as {role}")
    assert requests > 500, requests

    missing = [f"{role} does not see {key}.{name} on {path}" for role, path, key, name in _expected(app, world)
               if (key, name) not in seen.get((role, path), set())]

    # keyword search cannot find a profile by a field the searcher may not see
    search_leaks = []
    for role in ("unverified_member", "verified_member", "firm_member", "coordinator_a"):
        client = clients[role]  # signed in once: a second factor's code is accepted only once
        list_path = "/coordination/candidates" if role == "coordinator_a" else "/organisations/candidates"
        for person in world.people:
            listed = AUDIENCE[role] in LISTING_REACH[person.listing]
            for name in ("name", "career", "intro"):
                html = client.get(list_path, query_string={"q": person.canaries[name]}).get_data(as_text=True)
                hit = ">1人<" in html
                may = listed and AUDIENCE[role] in LEVEL_REACH[person.levels[name]]
                if hit and not may:
                    search_leaks.append(f"{role} finds {person.key} by its {name}")
                if may and not hit and role == "coordinator_a":
                    search_leaks.append(f"{role} cannot find {person.key} by its {name}")

    # mail: digests and pipeline notices carry no candidate's fields but the recipient's own
    with app.app_context():
        now = utcnow() + timedelta(minutes=1)
        builder.build_period("daily", now)
        outbox.send_pending(now)
        db.session.remove()
    mail_leaks, read = [], 0
    for message in mailbox.messages:
        read += 1
        recipient = world.roles_by_email.get(str(message["To"]))
        for key, person_patterns in patterns.items():
            for name, where in found(person_patterns, mail_parts(message)):
                if recipient != key:
                    mail_leaks.append(f"{key}.{name} in the {where} of {message['Subject']!r} to {recipient}")
    assert read >= 3, read

    report = {"errors": problems, "leaks on the site": leaks, "found by search": search_leaks,
              "leaks by mail": mail_leaks, "entitled audiences not shown a field": missing}
    if any(report.values()):
        pytest.fail("\n".join(f"{title} ({len(lines)}):\n  " + "\n  ".join(lines[:40])
                              for title, lines in report.items() if lines), pytrace=False)
