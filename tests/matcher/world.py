"""A small matching world built through the real use cases (so every change is queued as in production)."""
from __future__ import annotations

from marketplace.extensions import db
from marketplace.models import Organisation, OrgKind, Role, User, Visibility
from marketplace.accounts import operations as accounts
from marketplace.organisations import operations as organisations
from marketplace.postings import operations as postings
from marketplace.profiles import operations as profiles

INTROS = [
    "自治体の業務改革とDX推進計画の策定を支援してきました。",
    "DX推進計画の策定と業務改革（BPR）の専門家です。",
    "市町村の情報システム標準化とDXを担当してきました。",
    "業務改革とデジタル化で役場の窓口を変えてきました。",
]


def make_user(role: Role, email: str, org: Organisation | None = None) -> User:
    return accounts.create_user(email, "correct-Horse-battery-9", role, display_name=email.split("@")[0],
                                organisation=org, verified=True)


def candidate(index: int, years: int = 8) -> int:
    """A candidate of Kochi in the accelerator and side-job schemes; returns the profile id."""
    user = make_user(Role.CANDIDATE, f"candidate{index}@example.jp")
    db.session.flush()
    profile = profiles.get_or_create_profile(user)
    profiles.update_profile(user, profile, profiles.ProfileData(
        display_name=f"候補者{index}", residence_prefecture="39", work_prefectures=["39"], remote="either",
        available_from=None, hours_per_month=40, employment_forms=["part_time"], compensation_min=None,
        compensation_max=None, skills=["自治体DX", "BPR"], qualifications=[], other_qualifications="",
        self_intro=INTROS[index % len(INTROS)], phone="", visibility=Visibility.COORDINATORS, careers=[]))
    profiles.set_opt_in(user, profile, "accelerator", {"years_experience": years, "exams": [],
                                                       "claims_equivalent": False, "employment_forms": ["part_time"]})
    return profile.id


def coordinator_and_org() -> tuple[User, Organisation]:
    org = Organisation(name="高知県", kind=OrgKind.PREFECTURE, prefecture_code="39", verified=True)
    db.session.add(org)
    coordinator = make_user(Role.COORDINATOR, "coordinator@example.jp")
    organisations.set_coordinator_area(None, coordinator, organisations.parse_area(("accelerator",), ("39",)))
    db.session.flush()
    return coordinator, org


def position(coordinator: User, org: Organisation, title: str = "DX推進計画の策定支援", capacity: int = 2) -> int:
    data = postings.PostingData(
        title=title, description="市町村のDX推進計画の策定と業務改革（BPR）を支援します。", prefecture_code="39",
        municipality_code=None, remote="either", skills=["自治体DX", "BPR"], deadline=None,
        extra={"capacity": capacity, "employment_form": "part_time", "categories": ["internal_dx"]})
    posting = postings.create_posting(coordinator, org, "accelerator", "position", data)
    postings.submit_for_review(coordinator, posting)
    postings.approve(coordinator, posting)
    return posting.id
