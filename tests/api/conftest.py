"""A small world for the API: postings in two prefectures, a candidate with private canaries, tokens.

The canaries are strings that must never leave the site through the API: a succession firm's
name (organisation name and the confidential ``firm_name``), its address and financials, and a
candidate's minimum fee, compensation, phone and e-mail address.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Match, Organisation, OrgKind, Role, User, Visibility
from marketplace.accounts import api_tokens
from marketplace.postings import operations as postings
from marketplace.profiles import operations as profiles
from marketplace.suggestions import bridge as suggestions

CANARY_FIRM = "CANARYFIRM-7Q2X 土佐酒造"
CANARY_ADDRESS = "CANARYADDR-高知市はりまや町9-9-9"
CANARY_FINANCIALS = "CANARYFIN-売上高3億円"
CANARY_FEE = 987_654
CANARY_COMPENSATION = 7_654_321
CANARY_PHONE = "090-7391-4628"
CANARY_EMAIL = "canary-candidate@example.jp"

#: Every spelling under which a private value could leak.
CANARY_VALUES = (
    "CANARYFIRM", "7Q2X", "土佐酒造", "CANARYADDR", "はりまや町9-9-9", "CANARYFIN", "売上高3億円",
    str(CANARY_FEE), f"{CANARY_FEE:,}", str(CANARY_COMPENSATION), f"{CANARY_COMPENSATION:,}",
    CANARY_PHONE, CANARY_PHONE.replace("-", ""), CANARY_EMAIL, "canary-candidate", "山田",
)
#: Keys of private fields that no data response may carry at all.
PRIVATE_KEYS = ("monthly_fee_min", "compensation_min", "compensation_max", "phone", "email", "confidential",
                "firm_name", "address", "financials", "display_name", "self_intro")


@dataclass
class ApiWorld:
    admin: int
    coordinator: int  # Kochi (39): accelerator, side_job, succession
    other_coordinator: int  # Nagano (20): accelerator
    candidate: int
    profile: int
    outsider: int  # a candidate without suggestions
    member: int  # of the Kochi prefecture
    firm_member: int  # of the canary firm (entitled to its identity on the web, never through the API)
    kochi_position: int
    nagano_position: int
    case: int  # anonymous succession case of the canary firm
    project: int  # side-job project whose budget is below the candidate's minimum fee
    draft: int
    kochi_matches: list[int]
    nagano_match: int


def _publish(admin: User, org_id: int, scheme: str, type_code: str, title: str, extra: dict, *,
             prefecture: str = "39", skills: tuple[str, ...] = ("自治体DX",), publish: bool = True) -> int:
    data = postings.PostingData(
        title=title, description=f"{title}。地域の課題を一緒に解決してくれる方を募集します。", prefecture_code=prefecture,
        municipality_code=None, remote="either", skills=list(skills), deadline=None, extra=extra)
    posting = postings.create_posting(admin, db.session.get(Organisation, org_id), scheme, type_code, data)
    if publish:
        postings.submit_for_review(admin, posting)
        postings.approve(admin, posting)
    db.session.flush()
    return posting.id


def _ensure_match(posting_id: int, scheme: str, profile_id: int, score: float, explanation: dict) -> int:
    """The match of this pair with the given score: the engine's (with its real explanation), or a new one."""
    match = db.session.scalar(sa.select(Match).where(Match.posting_id == posting_id,
                                                     Match.seeker_ref == f"c{profile_id}"))
    if match is None:
        match = Match(posting_id=posting_id, scheme=scheme, seeker_ref=f"c{profile_id}",
                      candidate_profile_id=profile_id, explanation=explanation,
                      flagged=bool(explanation.get("flagged")))
        db.session.add(match)
    match.score = score  # a fixed score, whatever the engine computed, so that orderings are known
    db.session.flush()
    return match.id


@pytest.fixture
def api_world(app, make_org, make_user) -> ApiWorld:
    kochi = make_org("高知県", OrgKind.PREFECTURE, "39")
    nagano = make_org("長野県", OrgKind.PREFECTURE, "20")
    firm = make_org(CANARY_FIRM, OrgKind.FIRM, "39")
    tech = make_org("土佐テック株式会社", OrgKind.FIRM, "39")
    admin = make_user(Role.ADMIN)
    coordinator = make_user(Role.COORDINATOR, area=(("accelerator", "side_job", "succession"), ("39",)))
    other = make_user(Role.COORDINATOR, area=(("accelerator",), ("20",)))
    candidate = make_user(Role.CANDIDATE, email=CANARY_EMAIL)
    outsider = make_user(Role.CANDIDATE)
    member = make_user(Role.MEMBER, org_id=kochi)
    firm_member = make_user(Role.MEMBER, org_id=firm)
    with app.app_context():
        user = db.session.get(User, candidate)
        profile = profiles.get_or_create_profile(user)
        profiles.update_profile(user, profile, profiles.ProfileData(
            display_name="山田 花子", residence_prefecture="39", work_prefectures=["39", "20"], remote="either",
            available_from=None, hours_per_month=40, employment_forms=["part_time", "side_job"],
            compensation_min=CANARY_COMPENSATION, compensation_max=None, skills=["自治体DX", "BPR"],
            qualifications=[], other_qualifications="", self_intro="自治体のDXと業務改革を支援してきました。",
            phone=CANARY_PHONE, visibility=Visibility.COORDINATORS, careers=[]))
        profiles.set_opt_in(user, profile, "accelerator", {"years_experience": 8, "exams": [],
                                                           "employment_forms": ["part_time"]})
        profiles.set_opt_in(user, profile, "side_job", {"hours_per_month": 20, "monthly_fee_min": CANARY_FEE,
                                                        "missions": ["dx"], "employment_forms": ["side_job"]})
        profiles.set_opt_in(user, profile, "succession", {"industries": ["food_processing"],
                                                          "employment_forms": ["owner_successor"]})
        boss = db.session.get(User, admin)
        kochi_position = _publish(boss, kochi, "accelerator", "position", "DX推進計画の策定支援",
                                  {"capacity": 2, "employment_form": "part_time", "work_area": "幡多ブロック"})
        nagano_position = _publish(boss, nagano, "accelerator", "position", "長野県の自治体DX支援",
                                   {"capacity": 1, "employment_form": "part_time"}, prefecture="20")
        case = _publish(boss, firm, "succession", "case", "創業80年の酒蔵の後継者", {
            "categories": ["food_processing"], "employment_form": "owner_successor", "sales_band": "100m_500m",
            "employees_band": "6_20", "disclosure": "anonymous", "firm_name": CANARY_FIRM,
            "address": CANARY_ADDRESS, "financials": CANARY_FINANCIALS})
        project = _publish(boss, tech, "side_job", "project", "ECサイトの立ち上げ支援", {
            "categories": ["ec_site", "dx"], "employment_form": "side_job", "months": 3,
            "monthly_budget_max": 900_000, "hours_per_month": 20}, skills=("EC", "自治体DX"))
        draft = _publish(boss, kochi, "accelerator", "position", "下書きの募集",
                         {"capacity": 1, "employment_form": "part_time"}, publish=False)
        db.session.commit()
        suggestions.refresh_all()  # the real engine writes real explanations first
        kochi_matches = [
            _ensure_match(kochi_position, "accelerator", profile.id, 82.5, {"shared_skills": ["自治体DX"]}),
            _ensure_match(case, "succession", profile.id, 64.0, {"shared_skills": [], "key_terms": ["酒蔵"]}),
            _ensure_match(project, "side_job", profile.id, 55.0,
                          {"flagged": ["fee_slightly_above_budget"], "funding": [{"code": "side_job_subsidy",
                                                                                   "params": {}}]}),
        ]
        nagano_match = _ensure_match(nagano_position, "accelerator", profile.id, 70.0, {})
        db.session.commit()
        world = ApiWorld(admin, coordinator, other, candidate, profile.id, outsider, member, firm_member,
                         kochi_position, nagano_position, case, project, draft, kochi_matches, nagano_match)
    yield world


@pytest.fixture
def make_token(app):
    """Issue a token for a user id through the service; returns the secret."""
    def factory(user_id: int, name: str = "テスト用") -> str:
        with app.app_context():
            _token, secret = api_tokens.create_token(db.session.get(User, user_id), name)
            db.session.commit()
            return secret

    return factory


def bearer(secret: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **extra}
