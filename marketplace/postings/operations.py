"""Posting use cases: create and edit per scheme, the review lifecycle, closing, disclosure."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.extensions import db
from marketplace.models import (
    CloseReason,
    DisclosureRequest,
    DisclosureStatus,
    Organisation,
    OrgKind,
    Posting,
    PostingStatus,
    PostingStatusChange,
    Role,
    User,
    utcnow,
)
from marketplace.schemes.forms import to_storable
from marketplace.schemes.registry import PostingType, Scheme, get_scheme
from marketplace.suggestions import queue as matching_queue
from marketplace.core.domain_errors import DomainError, InvalidTransition, PermissionDenied
from marketplace.core.text import search_key

logger = logging.getLogger(__name__)

#: Posting fields stored in their own columns (the rest go to ``details``/``confidential``).
COLUMN_FIELDS = frozenset({"capacity", "employment_form", "monthly_budget_max", "hours_per_month", "months", "categories"})
#: Side-job contracts longer than this lose the national subsidy.
SUBSIDY_MAX_MONTHS = 5

#: Allowed lifecycle moves: (from, to).
TRANSITIONS = {
    (PostingStatus.DRAFT, PostingStatus.IN_REVIEW),
    (PostingStatus.IN_REVIEW, PostingStatus.PUBLISHED),
    (PostingStatus.IN_REVIEW, PostingStatus.DRAFT),  # changes requested
    (PostingStatus.DRAFT, PostingStatus.CLOSED),
    (PostingStatus.IN_REVIEW, PostingStatus.CLOSED),
    (PostingStatus.PUBLISHED, PostingStatus.CLOSED),
}


@dataclass(frozen=True)
class PostingData:
    """Common fields plus the scheme-specific ``extra`` values from the generated form."""

    title: str
    description: str
    prefecture_code: str
    municipality_code: str | None
    remote: str
    skills: list[str]
    deadline: date | None
    extra: dict[str, Any]


def can_manage(actor: User, posting: Posting) -> bool:
    """Members of the posting's organisation, coordinators covering it, and admins."""
    if actor.role == Role.ADMIN:
        return True
    if actor.role == Role.MEMBER:
        return actor.organisation_id == posting.organisation_id
    return actor.role == Role.COORDINATOR and actor.covers(posting.scheme, posting.prefecture_code)


def _scheme_and_type(scheme_code: str, type_code: str) -> tuple[Scheme, PostingType]:
    scheme = get_scheme(scheme_code)
    posting_type = scheme.posting_type(type_code) if scheme else None
    if scheme is None or posting_type is None:
        raise DomainError(str(_l("不明な募集の種類です。")))
    return scheme, posting_type


def _apply(posting: Posting, posting_type: PostingType, data: PostingData) -> None:
    posting.title, posting.description = data.title, data.description
    posting.prefecture_code, posting.municipality_code = data.prefecture_code, data.municipality_code or None
    posting.remote, posting.skills, posting.deadline = data.remote, data.skills, data.deadline
    details: dict[str, Any] = {}
    confidential: dict[str, Any] = {}
    for spec in posting_type.fields:
        value = to_storable(spec, data.extra.get(spec.name))
        if spec.name in COLUMN_FIELDS:
            setattr(posting, spec.name, value)
        elif spec.confidential:
            confidential[spec.name] = value
        else:
            details[spec.name] = value
    if posting_type.side == "offer" and "exits" in details:
        posting.employment_form = None
    if posting_type.remote_from:
        delivery = details.get(posting_type.remote_from)
        posting.remote = {"online": "remote", "onsite": "onsite"}.get(delivery or "", "either")
    posting.details, posting.confidential = details, confidential
    posting.categories = posting.categories or []
    posting.categories_key = "".join(f"|{c}" for c in posting.categories) + ("|" if posting.categories else "")
    posting.search_text = search_key(posting.title, posting.description, posting.skills,
                                     [str(v) for v in details.values() if isinstance(v, str)])


def check_authority(organisation: Organisation, data: PostingData) -> None:
    """A local government posts only within its own authority: a prefecture within itself and its
    municipalities, a municipality for itself. Raises ``DomainError`` (400) with the reason."""
    if organisation.kind == OrgKind.PREFECTURE:
        if data.prefecture_code != organisation.prefecture_code:
            raise DomainError(str(_l("都道府県は、自らの区域（その都道府県と県内の市町村）の募集だけを掲載できます。"
                                     "勤務地・対象地域の都道府県を自らの都道府県にしてください。")))
    elif organisation.kind == OrgKind.MUNICIPALITY:
        own = organisation.municipality_code
        if data.prefecture_code != organisation.prefecture_code or (
                data.municipality_code and own and data.municipality_code != own):
            raise DomainError(str(_l("市町村は、自らの区域の募集だけを掲載できます。"
                                     "勤務地・対象地域を自らの市町村にしてください。")))


def _record(posting: Posting, actor: User | None, to_status: PostingStatus, comment: str = "") -> None:
    from_status = posting.status.value if posting.status else None
    posting.status = to_status
    posting.history.append(PostingStatusChange(actor_id=actor.id if actor else None, from_status=from_status,
                                               to_status=to_status.value, comment=comment))


def create_posting(actor: User, organisation: Organisation, scheme_code: str, type_code: str,
                   data: PostingData) -> Posting:
    """Create a draft. Members post for their own organisation; coordinators post on an
    organisation's behalf in their area (recorded as a proxy posting).

    Raises ``PermissionDenied`` or ``DomainError``.
    """
    scheme, posting_type = _scheme_and_type(scheme_code, type_code)
    proxy = False
    if actor.role == Role.MEMBER:
        if actor.organisation_id != organisation.id:
            raise PermissionDenied(str(_l("自分の団体の募集だけを作成できます。")))
    elif actor.role == Role.COORDINATOR:
        if not actor.covers(scheme_code, organisation.prefecture_code):
            raise PermissionDenied(str(_l("担当地域外の団体の募集は作成できません。")))
        proxy = True
    elif actor.role != Role.ADMIN:
        raise PermissionDenied(str(_l("募集を作成する権限がありません。")))
    if organisation.kind not in posting_type.poster_kinds:
        raise DomainError(str(_l("この種類の団体はこの募集を掲載できません。")))
    check_authority(organisation, data)
    posting = Posting(organisation=organisation, created_by_id=actor.id, proxy_by_id=actor.id if proxy else None,
                      scheme=scheme.code.value, posting_type=posting_type.code,
                      skills=[], categories=[], details={}, confidential={})
    _apply(posting, posting_type, data)
    db.session.add(posting)
    _record(posting, actor, PostingStatus.DRAFT, "proxy" if proxy else "")
    db.session.flush()
    logger.info("posting %s created by %s (proxy=%s)", posting.id, actor.id, proxy, extra={"event": "posting.created"})
    return posting


def update_posting(actor: User, posting: Posting, data: PostingData) -> None:
    """Edit a posting; a published one goes back to review only if a member changed it."""
    if not can_manage(actor, posting):
        raise PermissionDenied(str(_l("この募集は編集できません。")))
    if posting.status == PostingStatus.CLOSED:
        raise InvalidTransition(str(_l("終了した募集は編集できません。")))
    _scheme, posting_type = _scheme_and_type(posting.scheme, posting.posting_type)
    check_authority(posting.organisation, data)
    _apply(posting, posting_type, data)
    db.session.flush()
    if posting.status == PostingStatus.PUBLISHED:
        matching_queue.record_posting(posting)


def subsidy_warning(posting: Posting) -> bool:
    """True when a side-job contract is longer than the subsidy allows."""
    return posting.scheme == "side_job" and posting.months is not None and posting.months > SUBSIDY_MAX_MONTHS


def _transition(actor: User, posting: Posting, to_status: PostingStatus, comment: str = "") -> None:
    if (posting.status, to_status) not in TRANSITIONS:
        raise InvalidTransition(str(_l("この状態の募集には、その操作はできません。")))
    was_published = posting.status == PostingStatus.PUBLISHED
    _record(posting, actor, to_status, comment)
    db.session.flush()
    if matching_queue.matters(posting, was_published):
        matching_queue.record_posting(posting)
    logger.info("posting %s moved to %s by %s", posting.id, to_status.value, actor.id,
                extra={"event": "posting.status"})


def submit_for_review(actor: User, posting: Posting) -> None:
    """Send a draft to the coordinators. Members of unverified organisations cannot."""
    if not can_manage(actor, posting):
        raise PermissionDenied(str(_l("この募集は操作できません。")))
    if actor.role == Role.MEMBER and not posting.organisation.verified:
        raise PermissionDenied(str(_l("団体の確認が済むまで、募集を公開の審査に出せません。")))
    _transition(actor, posting, PostingStatus.IN_REVIEW)


def _require_reviewer(actor: User, posting: Posting) -> None:
    if not (actor.role in (Role.COORDINATOR, Role.ADMIN) and actor.covers(posting.scheme, posting.prefecture_code)):
        raise PermissionDenied(str(_l("この募集を審査する権限がありません。")))


def approve(actor: User, posting: Posting) -> None:
    """A coordinator of the posting's scheme and prefecture publishes it."""
    _require_reviewer(actor, posting)
    _transition(actor, posting, PostingStatus.PUBLISHED)
    posting.published_at = utcnow()


def request_changes(actor: User, posting: Posting, comment: str) -> None:
    """Send a posting back to draft with a comment for the organisation."""
    _require_reviewer(actor, posting)
    if not comment.strip():
        raise DomainError(str(_l("修正してほしい点をコメントに書いてください。")))
    posting.review_comment = comment.strip()
    _transition(actor, posting, PostingStatus.DRAFT, comment.strip())


def close(actor: User | None, posting: Posting, reason: CloseReason) -> None:
    """Close a posting as filled, withdrawn or expired (``actor`` None: the scheduler)."""
    if actor is not None and not can_manage(actor, posting):
        raise PermissionDenied(str(_l("この募集は操作できません。")))
    if (posting.status, PostingStatus.CLOSED) not in TRANSITIONS:
        raise InvalidTransition(str(_l("この状態の募集には、その操作はできません。")))
    posting.close_reason = reason
    was_published = posting.status == PostingStatus.PUBLISHED
    _record(posting, actor, PostingStatus.CLOSED, reason.value)
    db.session.flush()
    if was_published:
        matching_queue.record_posting(posting)


def close_expired(now: datetime) -> int:
    """Close published postings whose deadline has passed (Japan date). Returns how many."""
    from marketplace.core.i18n import to_jst

    today = to_jst(now).date()
    expired = db.session.scalars(sa.select(Posting).where(
        Posting.status == PostingStatus.PUBLISHED, Posting.deadline.is_not(None), Posting.deadline < today))
    count = 0
    for posting in expired:
        close(None, posting, CloseReason.EXPIRED)
        count += 1
    return count


def record_filled(posting: Posting) -> None:
    """One place taken; a posting with no places left closes as filled."""
    posting.filled += 1
    if posting.capacity is not None and posting.filled >= posting.capacity and posting.status == PostingStatus.PUBLISHED:
        close(None, posting, CloseReason.FILLED)


# --- visibility ----------------------------------------------------------------------
def is_publicly_visible(posting: Posting) -> bool:
    return posting.status in (PostingStatus.PUBLISHED, PostingStatus.CLOSED)


def may_view(viewer: User | None, posting: Posting) -> bool:
    """Published/closed postings are public; drafts only to those who manage them."""
    if is_publicly_visible(posting):
        return True
    return viewer is not None and viewer.is_authenticated and can_manage(viewer, posting)


def may_see_identity(viewer: User | None, posting: Posting) -> bool:
    """A succession firm's identity: open listings, its managers, an accepted introduction or an approved disclosure."""
    if not posting.anonymous:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    if can_manage(viewer, posting):
        return True
    if _introduced_to(viewer, posting):
        return True
    return db.session.scalar(sa.select(DisclosureRequest.id).where(
        DisclosureRequest.posting_id == posting.id, DisclosureRequest.requester_id == viewer.id,
        DisclosureRequest.status == DisclosureStatus.APPROVED)) is not None


def _introduced_to(viewer: User, posting: Posting) -> bool:
    """The viewer is the candidate of a match on this posting that both sides accepted."""
    from marketplace.models import CandidateProfile, Match

    return db.session.scalar(sa.select(Match.id).join(CandidateProfile, CandidateProfile.id == Match.candidate_profile_id)
                             .where(Match.posting_id == posting.id, Match.introduced_at.is_not(None),
                                    CandidateProfile.user_id == viewer.id).limit(1)) is not None


def request_disclosure(actor: User, posting: Posting, message: str = "") -> DisclosureRequest:
    """A candidate asks to learn who the firm is."""
    if actor.role != Role.CANDIDATE or posting.status != PostingStatus.PUBLISHED or not posting.anonymous:
        raise DomainError(str(_l("この案件には開示を依頼できません。")))
    existing = db.session.scalar(sa.select(DisclosureRequest).where(
        DisclosureRequest.posting_id == posting.id, DisclosureRequest.requester_id == actor.id))
    if existing is not None:
        return existing
    request = DisclosureRequest(posting=posting, requester_id=actor.id, message=message.strip()[:1000])
    db.session.add(request)
    db.session.flush()
    return request


def decide_disclosure(actor: User, request: DisclosureRequest, approve_it: bool) -> None:
    """The firm (or its coordinator) approves or declines a disclosure request."""
    if not can_manage(actor, request.posting):
        raise PermissionDenied(str(_l("この依頼には回答できません。")))
    if request.status != DisclosureStatus.PENDING:
        raise InvalidTransition(str(_l("この依頼には既に回答しています。")))
    request.status = DisclosureStatus.APPROVED if approve_it else DisclosureStatus.DECLINED
    request.decided_at, request.decided_by_id = utcnow(), actor.id
    db.session.flush()
