"""Candidate profile use cases: edit, opt into schemes, completeness, export and deletion."""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.extensions import db
from marketplace.matching.qualifications import ordered_codes
from marketplace.models import (
    AuditEvent,
    CandidateProfile,
    CareerEntry,
    ConsentRecord,
    DisclosureRequest,
    FieldVisibility,
    Role,
    SavedSearch,
    SchemeOptIn,
    User,
    Visibility,
    utcnow,
)
from marketplace.schemes.forms import to_storable
from marketplace.schemes.registry import get_scheme
from marketplace.suggestions import queue as matching_queue, near_misses
from marketplace.profiles import visibility
from marketplace.core.domain_errors import DomainError, PermissionDenied
from marketplace.core.text import search_key

logger = logging.getLogger(__name__)

#: Version of the wording a candidate accepts when choosing who may see the profile.
VISIBILITY_TEXT_VERSION = "2026-12"  # per-field choices (name, contact, career, self-introduction)


@dataclass(frozen=True)
class Career:
    organisation: str
    role: str = ""
    years: float | None = None
    description: str = ""


@dataclass(frozen=True)
class ProfileData:
    """The common profile fields, as validated by the profile form."""

    display_name: str
    residence_prefecture: str | None
    work_prefectures: list[str]
    remote: str
    available_from: date | None
    hours_per_month: int | None
    employment_forms: list[str]
    compensation_min: int | None
    compensation_max: int | None
    skills: list[str]
    qualifications: list[str]
    other_qualifications: str
    self_intro: str
    phone: str
    visibility: Visibility
    careers: list[Career]
    #: Per field (``profiles/visibility.FIELDS``): who sees it before an introduction; missing fields keep theirs.
    field_visibility: dict[str, FieldVisibility] = field(default_factory=dict)


def _require_owner(actor: User, profile: CandidateProfile) -> None:
    if actor.id != profile.user_id:
        raise PermissionDenied(str(_l("このプロフィールは編集できません。")))


def _blank_profile(user: User) -> CandidateProfile:
    """An empty profile with every column's default set now (Python-side defaults otherwise wait for INSERT)."""
    return CandidateProfile(
        user=user, work_prefectures=[], remote="either", employment_forms=[], skills=[], qualifications=[],
        other_qualifications="", self_intro="", phone="", visibility=Visibility.COORDINATORS,
        name_visibility=FieldVisibility.COORDINATORS, contact_visibility=FieldVisibility.INTRODUCED,
        career_visibility=FieldVisibility.VERIFIED_ORGS, intro_visibility=FieldVisibility.VERIFIED_ORGS,
        search_text="")


def profile_of(user: User) -> CandidateProfile:
    """The candidate's profile for reading: the stored one, or an unsaved empty one (``id`` None) that
    is never added to the session. Pages shown with GET use this: looking never writes a row; the
    first save creates it (:func:`get_or_create_profile`)."""
    if user.role != Role.CANDIDATE:
        raise PermissionDenied(str(_l("プロフィールを持てるのは個人の利用者だけです。")))
    profile = db.session.scalar(sa.select(CandidateProfile).where(CandidateProfile.user_id == user.id))
    return profile if profile is not None else _blank_profile(user)


def get_or_create_profile(user: User) -> CandidateProfile:
    """The candidate's profile, created empty on first use (by a write: a save, a scheme joined)."""
    profile = profile_of(user)
    if profile.id is None:
        db.session.add(profile)
        db.session.flush()
    return profile


def refresh_search_text(profile: CandidateProfile) -> None:
    """Keep the normalised keyword-search text in step with the profile.

    Only fields everyone who can list the profile may see are searchable, so a keyword search cannot
    reveal a hidden name, career or self-introduction.
    """
    profile.search_text = search_key(*searchable_parts(profile))


def searchable_parts(profile: CandidateProfile) -> list[Any]:
    def listed(field: str) -> bool:
        return visibility.effective_level(profile, field) == visibility.as_field_level(profile.visibility)

    return [profile.user.display_name if listed("name") else "", profile.self_intro if listed("intro") else "",
            profile.skills, profile.other_qualifications,
            [c.role for c in profile.careers] if listed("career") else [],
            [c.description for c in profile.careers] if listed("career") else []]


def update_profile(actor: User, profile: CandidateProfile, data: ProfileData) -> None:
    """Save the common profile fields and career history. Records a consent when visibility changes."""
    _require_owner(actor, profile)
    if data.compensation_min and data.compensation_max and data.compensation_min > data.compensation_max:
        raise DomainError(str(_l("報酬の下限が上限を超えています。")))
    chosen = {name: data.field_visibility.get(name) or visibility.level_of(profile, name) for name in visibility.FIELDS}
    for name, level in chosen.items():
        if level not in visibility.CHOICES[name]:
            raise DomainError(str(_l("%(field)sの公開範囲は選べません。", field=visibility.FIELD_LABELS[name])))
    new_profile = profile.id is None
    if profile.visibility != data.visibility or new_profile:
        db.session.add(ConsentRecord(user_id=actor.id, kind="profile_visibility", value=data.visibility.value,
                                     text_version=VISIBILITY_TEXT_VERSION))
    for name, level in chosen.items():
        if new_profile or getattr(profile, visibility.COLUMNS[name]) != level:
            db.session.add(ConsentRecord(user_id=actor.id, kind=visibility.COLUMNS[name], value=level.value,
                                         text_version=VISIBILITY_TEXT_VERSION))
    for name, level in chosen.items():
        setattr(profile, visibility.COLUMNS[name], level)
    profile.user.display_name = data.display_name
    for name in ("residence_prefecture", "work_prefectures", "remote", "available_from", "hours_per_month",
                 "employment_forms", "compensation_min", "compensation_max", "skills", "qualifications",
                 "other_qualifications", "self_intro", "phone", "visibility"):
        setattr(profile, name, getattr(data, name))
    # IPA level-4 passes written among the other qualifications count as ticked (one normaliser).
    profile.qualifications = ordered_codes(list(data.qualifications) + [data.other_qualifications or ""])
    profile.careers = [
        CareerEntry(position=i, organisation=c.organisation, role=c.role, years=c.years, description=c.description)
        for i, c in enumerate(data.careers)
    ]
    refresh_search_text(profile)
    db.session.flush()
    matching_queue.record_profile(profile.id)
    logger.info("profile %s updated", profile.id, extra={"event": "profile.updated"})


def set_opt_in(actor: User, profile: CandidateProfile, scheme_code: str, values: dict[str, Any]) -> SchemeOptIn:
    """Join ``scheme_code`` (or update its fields). Raises ``DomainError`` for an unknown scheme."""
    _require_owner(actor, profile)
    scheme = get_scheme(scheme_code)
    if scheme is None or not scheme.candidates_opt_in:
        raise DomainError(str(_l("この制度には個人として参加できません。")))
    details = {spec.name: to_storable(spec, values.get(spec.name)) for spec in scheme.candidate_fields}
    opt_in = profile.opt_in(scheme_code)
    if opt_in is None:
        opt_in = SchemeOptIn(scheme=scheme_code, details=details)
        profile.opt_ins.append(opt_in)
    else:
        opt_in.details = details
    profile.updated_at = utcnow()
    db.session.flush()
    matching_queue.record_profile(profile.id)
    logger.info("profile %s opted into %s", profile.id, scheme_code, extra={"event": "profile.opt_in"})
    return opt_in


def remove_opt_in(actor: User, profile: CandidateProfile, scheme_code: str) -> None:
    """Leave a scheme: the candidate is no longer suggested in it."""
    _require_owner(actor, profile)
    opt_in = profile.opt_in(scheme_code)
    if opt_in is not None:
        profile.opt_ins.remove(opt_in)
        profile.updated_at = utcnow()
        db.session.flush()
        matching_queue.record_profile(profile.id)


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: list[Any]


def completeness(profile: CandidateProfile) -> Completeness:
    """How complete the profile is, and what is missing, in the order a candidate should fill it."""
    checks = [
        (bool(profile.user.display_name), _l("表示名")),
        (bool(profile.residence_prefecture), _l("お住まいの都道府県")),
        (bool(profile.work_prefectures) or profile.remote == "remote", _l("働ける地域またはリモート希望")),
        (profile.available_from is not None, _l("開始可能日")),
        (bool(profile.hours_per_month), _l("月に使える時間")),
        (bool(profile.skills), _l("スキル")),
        (bool(profile.careers), _l("職歴")),
        (len(profile.self_intro) >= 50, _l("自己紹介（50文字以上）")),
        (bool(profile.opt_ins), _l("参加する制度")),
    ]
    done = sum(1 for ok, _label in checks if ok)
    return Completeness(percent=round(100 * done / len(checks)), missing=[label for ok, label in checks if not ok])


def export_user_data(user: User) -> dict[str, Any]:
    """Everything the site holds about ``user``, as JSON-friendly data."""
    profile = db.session.scalar(sa.select(CandidateProfile).where(CandidateProfile.user_id == user.id))
    consents = db.session.scalars(sa.select(ConsentRecord).where(ConsentRecord.user_id == user.id)).all()
    searches = db.session.scalars(sa.select(SavedSearch).where(SavedSearch.user_id == user.id)).all()
    requests = db.session.scalars(sa.select(DisclosureRequest).where(DisclosureRequest.requester_id == user.id)).all()
    data: dict[str, Any] = {
        "account": {
            "email": user.email, "display_name": user.display_name, "role": user.role.value,
            "locale": user.locale, "created_at": user.created_at.isoformat(),
            "email_verified_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
        },
        "profile": None,
        "consents": [{"kind": c.kind, "value": c.value, "text_version": c.text_version,
                      "created_at": c.created_at.isoformat()} for c in consents],
        "saved_searches": [{"name": s.name, "target": s.target, "params": s.params} for s in searches],
        "disclosure_requests": [{"posting_id": r.posting_id, "status": r.status.value,
                                 "created_at": r.created_at.isoformat()} for r in requests],
    }
    if profile is not None:
        data["profile"] = {
            "residence_prefecture": profile.residence_prefecture, "work_prefectures": profile.work_prefectures,
            "remote": profile.remote,
            "available_from": profile.available_from.isoformat() if profile.available_from else None,
            "hours_per_month": profile.hours_per_month, "employment_forms": profile.employment_forms,
            "compensation_min": profile.compensation_min, "compensation_max": profile.compensation_max,
            "skills": profile.skills, "qualifications": profile.qualifications,
            "other_qualifications": profile.other_qualifications, "self_intro": profile.self_intro,
            "phone": profile.phone, "visibility": profile.visibility.value,
            **{column: visibility.level_of(profile, name).value for name, column in visibility.COLUMNS.items()},
            "careers": [{"organisation": c.organisation, "role": c.role, "years": c.years,
                         "description": c.description} for c in profile.careers],
            "schemes": {o.scheme: o.details for o in profile.opt_ins},
            "use_stopped_at": profile.use_stopped_at.isoformat() if profile.use_stopped_at else None,
        }
    from marketplace.privacy import records as privacy

    data.update(privacy.records_of(user))
    return data


def delete_account(actor: User, user: User) -> None:
    """Erase the person's data; audit entries stay but no longer point at them."""
    if actor.id != user.id and actor.role != Role.ADMIN:
        raise PermissionDenied(str(_l("このアカウントは削除できません。")))
    user_id = user.id
    profile = db.session.scalar(sa.select(CandidateProfile).where(CandidateProfile.user_id == user_id))
    if profile is not None:
        matching_queue.record_profile(profile.id)  # the matchers forget the person in their next drain
        near_misses.erase(profile.id)  # (the foreign key cascades too; said here, not left to the schema)
        db.session.delete(profile)
    db.session.execute(sa.delete(SavedSearch).where(SavedSearch.user_id == user_id))
    from marketplace.models import CalendarFeed, IdempotencyKey

    db.session.execute(sa.delete(CalendarFeed).where(CalendarFeed.user_id == user_id))
    db.session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.user_id == user_id))
    db.session.execute(sa.delete(DisclosureRequest).where(DisclosureRequest.requester_id == user_id))
    db.session.add(AuditEvent(actor_id=None, event="account.deleted", subject=f"user:{secrets.token_hex(4)}",
                              detail={"role": user.role.value, "at": utcnow().isoformat()}))
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.actor_id == user_id).values(actor_id=None))
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.subject == f"user:{user_id}").values(subject="user:deleted"))
    db.session.execute(sa.update(ConsentRecord).where(ConsentRecord.user_id == user_id).values(user_id=None))
    # APPI records stay for their retention period, pseudonymised (subject_key), no longer linked.
    from marketplace.models import DataRequest, DisclosureRecord
    from marketplace.privacy import records as privacy

    db.session.execute(sa.update(DisclosureRecord).where(DisclosureRecord.subject_user_id == user_id)
                       .values(subject_user_id=None))
    # Where she was the recipient (the other side's contacts at an introduction), her name goes too.
    db.session.execute(sa.update(DisclosureRecord).where(DisclosureRecord.recipient_user_id == user_id)
                       .values(recipient_user_id=None, recipient_label=""))
    db.session.execute(sa.delete(DataRequest).where(DataRequest.user_id == user_id))
    # Rows keyed by the address rather than the account: the invitation she came through and a
    # bounce of her address. Everything pointing at the account (mail, tokens, devices, matches,
    # notices) goes with it through the ON DELETE rules.
    from marketplace.models import BouncedAddress
    from marketplace.models.invitations import Invitation

    db.session.execute(sa.delete(Invitation).where(sa.func.lower(Invitation.email) == user.email.lower()))
    db.session.execute(sa.delete(BouncedAddress).where(sa.func.lower(BouncedAddress.address) == user.email.lower()))
    # Her password-reset requests: the account's, and those made for her address before it had one.
    from marketplace.accounts.operations import erase_reset_requests

    erase_reset_requests(user)
    privacy.record_deletion()
    db.session.delete(user)
    db.session.flush()
    logger.info("an account was deleted", extra={"event": "account.deleted"})
