"""Personal-data records under Japan's APPI: disclosures, views of contacts, people's requests.

- Every provision of a person's data to someone else is a ``DisclosureRecord`` with the consent it
  rests on, kept at least three years (and kept, pseudonymised, after the person leaves).
- Every view of contact details is an ``AuditEvent`` (``contacts.viewed``).
- A person can ask for correction, stop of use (immediate: out of matching and of every list) and
  deletion; each request is recorded as a ``DataRequest``.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from marketplace.extensions import db
from marketplace.models import (
    AuditEvent,
    CandidateProfile,
    ConsentRecord,
    DataRequest,
    DisclosureRecord,
    Match,
    MatchStatus,
    Organisation,
    User,
    utcnow,
)
from marketplace.suggestions import queue as matching_queue, near_misses
from marketplace.core.domain_errors import DomainError

logger = logging.getLogger(__name__)

CONTACT_FIELDS = ("display_name", "email", "phone")
FIELDS = ("display_name", "email", "phone", "profile", "firm_identity")


def subject_key(user_id: int) -> str:
    """A stable pseudonym of a person, so records can still be counted after they leave."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"user:{user_id}".encode(), hashlib.sha256).hexdigest()[:16]


def _retain_until(moment: datetime) -> date:
    day = moment.date()
    try:
        return day.replace(year=day.year + DisclosureRecord.RETENTION_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year + DisclosureRecord.RETENTION_YEARS, day=28)


def record_disclosure(subject: User, *, fields: Iterable[str], basis: str, consent: ConsentRecord | None = None,
                      recipient_org: Organisation | None = None, recipient_user: User | None = None,
                      match: Match | None = None) -> DisclosureRecord:
    """Record that ``fields`` of ``subject`` were provided to an organisation or a person."""
    now = utcnow()
    label = recipient_org.name if recipient_org is not None else (
        recipient_user.display_name or f"user #{recipient_user.id}" if recipient_user is not None else "")
    record = DisclosureRecord(
        subject_user_id=subject.id, subject_key=subject_key(subject.id),
        recipient_org_id=recipient_org.id if recipient_org else None,
        recipient_user_id=recipient_user.id if recipient_user else None, recipient_label=label[:200],
        match_id=match.id if match else None, fields=list(fields), basis=basis,
        consent_record_id=consent.id if consent else None, created_at=now, retain_until=_retain_until(now))
    db.session.add(record)
    return record


def latest_consent(user: User, kind: str, value_prefix: str = "") -> ConsentRecord | None:
    query = sa.select(ConsentRecord).where(ConsentRecord.user_id == user.id, ConsentRecord.kind == kind)
    if value_prefix:
        query = query.where(ConsentRecord.value.startswith(value_prefix))
    return db.session.scalar(query.order_by(ConsentRecord.id.desc()).limit(1))


def record_introduction(match: Match, seekers: list[User], posters: list[User]) -> None:
    """Both sides accepted: each side's contacts go to the other, on the consent each gave."""
    organisation = match.posting.organisation
    for person in seekers:
        record_disclosure(person, fields=CONTACT_FIELDS, basis="consent:introduction", match=match,
                          consent=latest_consent(person, "introduction", f"match:{match.id}:"),
                          recipient_org=organisation)
    recipient = seekers[0] if seekers else None
    for person in posters:
        record_disclosure(person, fields=("display_name", "email"), basis="consent:introduction", match=match,
                          consent=latest_consent(person, "introduction", f"match:{match.id}:"),
                          recipient_user=recipient if match.candidate_profile is not None else None,
                          recipient_org=None if match.candidate_profile is not None
                          else match.solution_posting.organisation)


def record_profile_view(viewer: User, profile: CandidateProfile, view: Any = None) -> None:
    """An organisation member opened a candidate's profile (once per organisation and day).

    ``view`` (a ``visibility.CandidateView``) names the fields beyond the summary that were shown.
    """
    if viewer.organisation_id is None or profile.user_id == viewer.id:
        return
    today_start = datetime.combine(utcnow().date(), datetime.min.time(), tzinfo=utcnow().tzinfo)
    seen = db.session.scalar(sa.select(DisclosureRecord.id).where(
        DisclosureRecord.subject_user_id == profile.user_id, DisclosureRecord.recipient_org_id == viewer.organisation_id,
        DisclosureRecord.basis == "consent:profile_visibility", DisclosureRecord.created_at >= today_start).limit(1))
    if seen is None:
        names = {"name": ("display_name",), "contact": ("email", "phone"), "career": ("career",),
                 "intro": ("self_intro",)}
        shown = [] if view is None else [n for field in view.shown for n in names[field]]
        record_disclosure(profile.user, fields=("profile", *shown), basis="consent:profile_visibility",
                          consent=latest_consent(profile.user, "profile_visibility"),
                          recipient_org=db.session.get(Organisation, viewer.organisation_id))


def record_contact_view(viewer: User, match: Match, subjects: Iterable[User]) -> None:
    """Someone saw contact details on a page: an audit entry naming whose."""
    ids = sorted({u.id for u in subjects if u.id != viewer.id})
    if ids:
        db.session.add(AuditEvent(actor_id=viewer.id, event="contacts.viewed", subject=f"match:{match.id}",
                                  detail={"subjects": [subject_key(i) for i in ids], "subject_ids": ids,
                                          "fields": list(CONTACT_FIELDS)}))


# --- requests ------------------------------------------------------------------------
def _profile(user: User) -> CandidateProfile | None:
    return db.session.scalar(sa.select(CandidateProfile).where(CandidateProfile.user_id == user.id))


def stop_use(user: User, note: str = "") -> None:
    """Stop using the person's data now: out of matching, of every list, pending suggestions gone."""
    profile = _profile(user)
    if profile is None:
        raise DomainError(str(_l("プロフィールがありません。")))
    if profile.use_stopped_at is None:
        profile.use_stopped_at = utcnow()
        db.session.execute(sa.delete(Match).where(Match.candidate_profile_id == profile.id,
                                                  Match.status.in_([MatchStatus.SUGGESTED, MatchStatus.ON_HOLD])))
        near_misses.erase(profile.id)  # "why not yet" rows go with the suggestions
    db.session.add(DataRequest(user_id=user.id, kind="stop_use", note=note.strip()[:2000], completed_at=utcnow()))
    matching_queue.record_profile(profile.id)
    db.session.flush()
    logger.info("use of data stopped", extra={"event": "privacy.stop_use"})


def resume_use(user: User) -> None:
    profile = _profile(user)
    if profile is None or profile.use_stopped_at is None:
        raise DomainError(str(_l("利用は停止されていません。")))
    profile.use_stopped_at = None
    db.session.add(DataRequest(user_id=user.id, kind="resume_use", completed_at=utcnow()))
    matching_queue.record_profile(profile.id)
    db.session.flush()


def request_correction(user: User, note: str) -> DataRequest:
    """Ask the operator to correct what the person cannot edit themselves (recorded, answered by staff)."""
    if not note.strip():
        raise DomainError(str(_l("訂正してほしい内容を入力してください。")))
    request = DataRequest(user_id=user.id, kind="correction", note=note.strip()[:2000], status="open")
    db.session.add(request)
    db.session.flush()
    return request


def record_deletion() -> None:
    """The account is being deleted: the request is kept without pointing at the person."""
    db.session.add(DataRequest(user_id=None, kind="deletion", completed_at=utcnow()))


# --- reading -------------------------------------------------------------------------
def disclosures_of(user: User) -> list[DisclosureRecord]:
    return list(db.session.scalars(sa.select(DisclosureRecord).where(DisclosureRecord.subject_user_id == user.id)
                                   .order_by(DisclosureRecord.id)))


def requests_of(user: User) -> list[DataRequest]:
    return list(db.session.scalars(sa.select(DataRequest).where(DataRequest.user_id == user.id)
                                   .order_by(DataRequest.id)))


def consents_of(user: User) -> list[ConsentRecord]:
    return list(db.session.scalars(sa.select(ConsentRecord).where(ConsentRecord.user_id == user.id)
                                   .order_by(ConsentRecord.id)))


def records_of(user: User) -> dict[str, list[dict[str, object]]]:
    """A person's disclosure records and requests, for the JSON export."""
    disclosures, requests = disclosures_of(user), requests_of(user)
    return {
        "disclosure_records": [{"recipient": d.recipient_label, "fields": d.fields, "basis": d.basis,
                                "match_id": d.match_id, "created_at": d.created_at.isoformat(),
                                "retain_until": d.retain_until.isoformat()} for d in disclosures],
        "data_requests": [{"kind": r.kind, "note": r.note, "status": r.status, "created_at": r.created_at.isoformat()}
                          for r in requests],
    }


@dataclass(frozen=True)
class Affected:
    """One person whose ``field`` went somewhere during the window."""

    subject: str  # email, or the pseudonym once the account is gone
    recipient: str
    at: datetime
    how: str  # "disclosure:<basis>" or "viewed"


def affected(since: datetime, field: str) -> list[Affected]:
    """Who was affected by an exposure of ``field`` since ``since``: disclosures and contact views."""
    if field not in FIELDS:
        raise DomainError(f"unknown field {field!r}; one of {', '.join(FIELDS)}")
    out: list[Affected] = []
    emails = dict(db.session.execute(sa.select(User.id, User.email)).all())
    for record in db.session.scalars(sa.select(DisclosureRecord).where(DisclosureRecord.created_at >= since)
                                     .order_by(DisclosureRecord.created_at)):
        if field in (record.fields or []):
            who = emails.get(record.subject_user_id, record.subject_key) if record.subject_user_id else record.subject_key
            out.append(Affected(who, record.recipient_label, record.created_at, f"disclosure:{record.basis}"))
    if field in CONTACT_FIELDS:
        for event in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.event == "contacts.viewed",
                                                                    AuditEvent.created_at >= since)
                                        .order_by(AuditEvent.created_at)):
            viewer = emails.get(event.actor_id, "?") if event.actor_id else "?"
            for key, user_id in zip(event.detail.get("subjects", []), event.detail.get("subject_ids", []), strict=False):
                out.append(Affected(emails.get(user_id, key), viewer, event.created_at, "viewed"))
    return out
