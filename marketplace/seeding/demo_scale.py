"""Synthetic bulk data on top of the demo, for load tests: ``flask seed scale``.

Tops the database up to a number of candidates and postings (totals, demo content included):

* candidates ``scale-candidate-00001@example.jp`` … with full profiles, careers, scheme opt-ins and
  their visibility consent, drawn with the demo's own candidate generator over all 47 prefectures;
* per prefecture one organisation of each posting kind (prefecture, municipality, firm, support
  centres, startup) with one member, and published postings modelled on the demo's, spread over
  every prefecture;
* coordinators ``load-coordinator-01@example.jp`` … covering every scheme in one prefecture each,
  with the demo password and the demo TOTP secret, so that a load test can sign in several
  coordinators at once (each one-time code is accepted once per account).

Bulk INSERTs bypass the use cases, so the matching changes they would have recorded are recorded
here instead, in the same transaction: one ``rebuild`` per scheme that gained candidates or postings
(one change per row would make the matcher score 100k people one by one; a rebuild refits once and
stores every need's suggestions). ``flask match refresh`` afterwards covers them too.

Every synthetic account shares one Argon2 hash of the demo password (computed once). Rows are
written in batches with multi-row INSERTs, so ten thousand candidates take seconds, not minutes.
Content is drawn from ``random.Random`` seeded per row number, so it is the same on every run and
running again only adds what is missing.
"""
from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    CandidateProfile,
    CareerEntry,
    ConsentRecord,
    CoordinatorArea,
    Municipality,
    Organisation,
    OrgKind,
    Posting,
    PostingStatus,
    PostingStatusChange,
    Role,
    SchemeOptIn,
    User,
    utcnow,
)
from marketplace.schemes.forms import to_storable
from marketplace.schemes.registry import SCHEMES, get_scheme
from marketplace.seeding import demo
from marketplace.suggestions import queue as matching_queue
from marketplace.postings import operations as postings
from marketplace.profiles import operations as profiles
from marketplace.accounts.passwords import hash_password
from marketplace.profiles.operations import VISIBILITY_TEXT_VERSION
from marketplace.core.text import search_key

logger = logging.getLogger(__name__)

SCALE_SEED = 7
CANDIDATE_EMAIL = "scale-candidate-{:05d}@example.jp"
MEMBER_EMAIL = "scale-member-{key}@example.jp"
COORDINATOR_EMAIL = "load-coordinator-{:02d}@example.jp"
ALL_PREFECTURES = tuple(f"{i:02d}" for i in range(1, 48))
BATCH = 1000

#: One synthetic organisation per kind and prefecture: key prefix, kind, name pattern.
ORG_KINDS: tuple[tuple[str, OrgKind, str], ...] = (
    ("pref", OrgKind.PREFECTURE, "{pref} 地域DX推進課（試験データ）"),
    ("muni", OrgKind.MUNICIPALITY, "{muni} 企画課（試験データ）"),
    ("firm", OrgKind.FIRM, "{pref}試験産業株式会社"),
    ("hub", OrgKind.PRO_HUB, "{pref}プロフェッショナル人材拠点（試験データ）"),
    ("centre", OrgKind.SUCCESSION_CENTRE, "{pref}事業承継支援センター（試験データ）"),
    ("startup", OrgKind.STARTUP, "株式会社 試験スタートアップ{code}"),
)


@dataclass(frozen=True)
class ScaleReport:
    candidates_added: int
    organisations_added: int
    postings_added: int
    coordinators_added: int
    seconds: float


def _count(query: sa.Select) -> int:
    return db.session.scalar(query) or 0


def _insert_returning_ids(model: type, rows: list[dict[str, Any]]) -> list[int]:
    """Multi-row INSERT of ``rows``; the new primary keys in the order of ``rows``."""
    if not rows:
        return []
    statement = sa.insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def _insert(model: type, rows: list[dict[str, Any]]) -> None:
    if rows:
        db.session.execute(sa.insert(model), rows)


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class _SharedHash:
    """One Argon2 hash of the demo password for every synthetic account (computed once, lazily)."""

    def __init__(self) -> None:
        self._value: str | None = None

    def __call__(self) -> str:
        if self._value is None:
            self._value = hash_password(demo.DEMO_PASSWORD)
        return self._value


# --- candidates ----------------------------------------------------------------------------
def _candidate_rows(number: int, today: date, shared_hash: str) -> tuple[dict, dict, list[dict], list[dict]]:
    """User, profile, career and opt-in rows of synthetic candidate ``number`` (ids filled in later)."""
    rng = random.Random(f"{SCALE_SEED}-candidate-{number}")  # nosec B311 # seeded demo data, not a secret
    plan = demo._plan_candidate(rng, number, today, list(ALL_PREFECTURES))
    data = plan.profile
    user = {"email": CANDIDATE_EMAIL.format(number), "password_hash": shared_hash, "role": Role.CANDIDATE,
            "display_name": data.display_name, "locale": "ja", "email_verified_at": utcnow()}
    profile = {
        "residence_prefecture": data.residence_prefecture, "work_prefectures": data.work_prefectures,
        "remote": data.remote, "available_from": data.available_from, "hours_per_month": data.hours_per_month,
        "employment_forms": data.employment_forms, "compensation_min": data.compensation_min,
        "compensation_max": data.compensation_max, "skills": data.skills, "qualifications": data.qualifications,
        "other_qualifications": data.other_qualifications, "self_intro": data.self_intro, "phone": data.phone,
        "visibility": data.visibility,
        "search_text": search_key(*profiles.searchable_parts(SimpleNamespace(
            user=SimpleNamespace(display_name=data.display_name), self_intro=data.self_intro, skills=data.skills,
            other_qualifications=data.other_qualifications, careers=data.careers, visibility=data.visibility,
            name_visibility=None, contact_visibility=None, career_visibility=None, intro_visibility=None))),
    }
    careers = [{"position": i, "organisation": c.organisation, "role": c.role, "years": c.years,
                "description": c.description} for i, c in enumerate(data.careers)]
    opt_ins = []
    for scheme_code, values in plan.opt_ins.items():
        scheme = get_scheme(scheme_code)
        details = {spec.name: to_storable(spec, values.get(spec.name)) for spec in scheme.candidate_fields}
        opt_ins.append({"scheme": scheme_code, "details": details})
    return user, profile, careers, opt_ins


def add_candidates(target: int, shared_hash: _SharedHash, today: date) -> int:
    """Add synthetic candidates until the database holds ``target`` candidate profiles."""
    missing = target - _count(sa.select(sa.func.count()).select_from(CandidateProfile))
    if missing <= 0:
        return 0
    first = _count(sa.select(sa.func.count()).where(User.email.like("scale-candidate-%@example.jp"))) + 1
    numbers = list(range(first, first + missing))
    for chunk in _chunks(numbers, BATCH):
        planned = [_candidate_rows(n, today, shared_hash()) for n in chunk]
        user_ids = _insert_returning_ids(User, [p[0] for p in planned])
        profile_ids = _insert_returning_ids(
            CandidateProfile, [{**p[1], "user_id": uid} for p, uid in zip(planned, user_ids, strict=True)])
        _insert(CareerEntry, [{**c, "profile_id": pid} for p, pid in zip(planned, profile_ids, strict=True)
                              for c in p[2]])
        _insert(SchemeOptIn, [{**o, "profile_id": pid} for p, pid in zip(planned, profile_ids, strict=True)
                              for o in p[3]])
        _insert(ConsentRecord, [{"user_id": uid, "kind": "profile_visibility", "value": p[1]["visibility"].value,
                                 "text_version": VISIBILITY_TEXT_VERSION}
                                for p, uid in zip(planned, user_ids, strict=True)])
    return missing


# --- organisations and postings -------------------------------------------------------------
def _municipalities_by_prefecture() -> dict[str, list[str]]:
    by_pref: dict[str, list[str]] = {}
    for code, pref in db.session.execute(sa.select(Municipality.code, Municipality.prefecture_code)
                                         .order_by(Municipality.code)):
        by_pref.setdefault(pref, []).append(code)
    return by_pref


def _municipality_names() -> dict[str, str]:
    return {code: name for code, name in db.session.execute(sa.select(Municipality.code, Municipality.name_ja))}


def ensure_organisations(shared_hash: _SharedHash) -> tuple[dict[tuple[str, OrgKind], Organisation], dict[int, User], int]:
    """One verified organisation (with one member) per prefecture and posting kind."""
    by_pref = _municipalities_by_prefecture()
    names = _municipality_names()
    wanted = {(pref, kind): pattern.format(pref=demo.PREFECTURE_NAMES[pref], muni=names[by_pref[pref][0]], code=pref)
              for pref in ALL_PREFECTURES for _key, kind, pattern in ORG_KINDS}
    existing = {o.name: o for o in db.session.scalars(sa.select(Organisation).where(
        Organisation.name.in_(list(wanted.values()))))}
    orgs: dict[tuple[str, OrgKind], Organisation] = {}
    added = 0
    for pref in ALL_PREFECTURES:
        muni = by_pref[pref][0]
        for _key, kind, _pattern in ORG_KINDS:
            name = wanted[(pref, kind)]
            org = existing.get(name)
            if org is None:
                org = Organisation(name=name, kind=kind, prefecture_code=pref,
                                   municipality_code=muni if kind == OrgKind.MUNICIPALITY else None,
                                   verified=True, verified_at=utcnow())
                db.session.add(org)
                added += 1
            orgs[(pref, kind)] = org
    db.session.flush()
    emails = {MEMBER_EMAIL.format(key=f"{k}-{pref}"): (pref, kind) for pref in ALL_PREFECTURES for k, kind, _ in ORG_KINDS}
    members = {u.organisation_id: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}
    for email, (pref, kind) in emails.items():
        org = orgs[(pref, kind)]
        if org.id not in members:
            user = User(email=email, password_hash=shared_hash(), role=Role.MEMBER, display_name=f"{org.name} 担当者",
                        locale="ja", organisation=org, email_verified_at=utcnow())
            db.session.add(user)
            members[org.id] = user
    db.session.flush()
    return orgs, members, added


def _template_kinds() -> dict[str, OrgKind]:
    kinds = {key: kind for key, _name, kind, _pref, _muni in demo.GENERATED_ORGANISATIONS}
    for key, index in demo.NAMED_ORG_KEYS.items():
        kinds[key] = demo.DEMO_ORGANISATIONS[index][1]
    return kinds


def _posting_templates(today: date) -> list[tuple[OrgKind, demo.PostingPlan]]:
    kinds = _template_kinds()
    available = {kind for _key, kind, _pattern in ORG_KINDS}
    templates = []
    for plan in demo._plan_postings(random.Random(demo.SEED), today):  # nosec B311 # seeded demo data, not a secret
        if plan.org_key == "unverified":
            continue
        kind = kinds[plan.org_key]
        if kind not in available:  # e.g. an HR operator: another kind that may post the same type
            poster_kinds = SCHEMES[plan.scheme].posting_type(plan.posting_type).poster_kinds
            kind = next(k for _key, k, _pattern in ORG_KINDS if k in poster_kinds)
        templates.append((kind, plan))
    return templates


def _synthetic_posting(number: int, templates: list[tuple[OrgKind, demo.PostingPlan]], today: date,
                       orgs: dict[tuple[str, OrgKind], Organisation], members: dict[int, User],
                       munis: dict[str, list[str]], now: datetime) -> Posting:
    rng = random.Random(f"{SCALE_SEED}-posting-{number}")  # nosec B311 # seeded demo data, not a secret
    kind, template = templates[number % len(templates)]
    pref = ALL_PREFECTURES[rng.randrange(len(ALL_PREFECTURES))]
    org = orgs[(pref, kind)]
    member = members[org.id]
    scheme = SCHEMES[template.scheme]
    posting_type = scheme.posting_type(template.posting_type)
    municipality = org.municipality_code
    if municipality is None and template.data.municipality_code:
        municipality = rng.choice(munis[pref])
    title = f"{template.data.title}（{demo.PREFECTURE_NAMES[pref]}・{number}）"[:200]
    data = postings.PostingData(
        title=title, description=template.data.description, prefecture_code=pref, municipality_code=municipality,
        remote=template.data.remote, skills=list(template.data.skills),
        deadline=today + timedelta(days=rng.randrange(30, 151, 5)) if rng.random() < 0.75 else None,
        extra=dict(template.data.extra))
    posting = Posting(organisation=org, created_by_id=member.id, scheme=template.scheme,
                      posting_type=template.posting_type, skills=[], categories=[], details={}, confidential={},
                      status=PostingStatus.PUBLISHED)
    postings._apply(posting, posting_type, data)  # the one place that derives columns from the form values
    published = now - timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 1440))
    posting.created_at = posting.updated_at = published - timedelta(days=rng.randint(1, 10))
    posting.published_at = published
    posting.history = [
        PostingStatusChange(actor_id=member.id, from_status=None, to_status="draft", created_at=posting.created_at),
        PostingStatusChange(actor_id=member.id, from_status="draft", to_status="in_review",
                            created_at=posting.created_at),
        PostingStatusChange(actor_id=None, from_status="in_review", to_status="published", created_at=published),
    ]
    return posting


def add_postings(target: int, shared_hash: _SharedHash, today: date) -> tuple[int, int, set[str]]:
    """Add published synthetic postings until the database holds ``target`` postings.

    Returns (organisations added, postings added, their schemes).
    """
    missing = target - _count(sa.select(sa.func.count()).select_from(Posting))
    if missing <= 0:
        return 0, 0, set()
    orgs, members, orgs_added = ensure_organisations(shared_hash)
    synthetic_org_ids = [o.id for o in orgs.values()]
    first = _count(sa.select(sa.func.count()).where(Posting.organisation_id.in_(synthetic_org_ids))) + 1
    templates = _posting_templates(today)
    munis = _municipalities_by_prefecture()
    now = utcnow()
    numbers = list(range(first, first + missing))
    schemes: set[str] = set()
    for chunk in _chunks(numbers, 500):
        added = [_synthetic_posting(n, templates, today, orgs, members, munis, now) for n in chunk]
        schemes.update(p.scheme for p in added)
        db.session.add_all(added)
        db.session.flush()
    return orgs_added, missing, schemes


# --- coordinators for the load test ----------------------------------------------------------
def add_coordinators(count: int, shared_hash: _SharedHash) -> int:
    """Coordinators covering every scheme in one prefecture each (prefectures in order, then again)."""
    added = 0
    existing = set(db.session.scalars(sa.select(User.email).where(User.email.like("load-coordinator-%"))))
    for number in range(1, count + 1):
        email = COORDINATOR_EMAIL.format(number)
        if email in existing:
            continue
        pref = ALL_PREFECTURES[(number - 1) % len(ALL_PREFECTURES)]
        user = User(email=email, password_hash=shared_hash(), role=Role.COORDINATOR,
                    display_name=f"負荷試験 調整役{number:02d}", locale="ja", email_verified_at=utcnow(),
                    totp_secret=demo.DEMO_TOTP_SECRET, totp_enabled_at=utcnow())
        user.areas = [CoordinatorArea(scheme=scheme, prefecture_code=pref) for scheme in SCHEMES]
        db.session.add(user)
        added += 1
    db.session.flush()
    return added


def scale_demo(candidates: int, postings_total: int, coordinators: int = 20, today: date | None = None) -> ScaleReport:
    """Top the database up to ``candidates`` candidates and ``postings_total`` postings (run after the demo)."""
    demo.refuse_in_production()  # load-test coordinators share the demo password
    started = time.perf_counter()
    today = today or date.today()
    shared_hash = _SharedHash()
    candidates_added = add_candidates(candidates, shared_hash, today)
    orgs_added, postings_added, posting_schemes = add_postings(postings_total, shared_hash, today)
    coordinators_added = add_coordinators(coordinators, shared_hash)
    changed = set(posting_schemes) | (set(matching_queue.candidate_schemes()) if candidates_added else set())
    if changed:  # in the caller's transaction, like every other matching change
        matching_queue.record_rebuild(sorted(changed))
    report = ScaleReport(candidates_added, orgs_added, postings_added, coordinators_added,
                         round(time.perf_counter() - started, 1))
    logger.info("scaled demo data: %s", report, extra={"event": "seed.scale"})
    return report
