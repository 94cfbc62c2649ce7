"""Matches from review to outcome: the state machine applied to rows, with every step recorded.

Who may do what: coordinators covering the posting's scheme × prefecture (and admins) review and
move matches; the two sides (the candidate or the startup's members, and the posting
organisation's members) express interest, answer introduction requests, write messages and
debriefs. Contacts are revealed only once both sides accepted (``introduced_at`` is set).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, selectinload

from marketplace.extensions import db
from marketplace.models import (
    CandidateProfile,
    Consent,
    ConsentRecord,
    FollowUp,
    Match,
    MatchEvent,
    MatchMessage,
    MatchStatus,
    Posting,
    Role,
    TrialDebrief,
    User,
    utcnow,
)
from marketplace.matches import machine
from marketplace.matches.machine import Actor, TransitionRefused
from marketplace.schemes.registry import get_scheme
from marketplace.matches import notices
from marketplace.postings import operations as posting_service
from marketplace.privacy import records as privacy
from marketplace.core.domain_errors import DomainError, InvalidTransition, PermissionDenied

logger = logging.getLogger(__name__)

#: The confidentiality agreement a successor candidate accepts before a firm's identity is shown.
NDA_VERSION = "2026-04"
INTRODUCTION_TEXT_VERSION = "2026-04"
REVIEW_STATUSES = (MatchStatus.SUGGESTED, MatchStatus.ON_HOLD)
ANSWER_DAYS = 7
FIRST_MEETING_DAYS = 14

#: The next step suggested when a match enters a stage, and in how many days it is due; a stage
#: change replaces the previous stage's step (a trial never still says "set up the first meeting").
STAGE_NEXT_STEPS = {
    MatchStatus.INTRODUCED: (_l("初回の打合せを設定する"), FIRST_MEETING_DAYS),
    MatchStatus.IN_TALKS: (_l("条件をすり合わせ、お試しか合意かを決める"), 30),
    MatchStatus.TRIAL: (_l("お試し期間の振り返りを双方に依頼する"), 30),
}


# --- who is who -------------------------------------------------------------------------
def may_coordinate(user: User, match: Match) -> bool:
    """Admins, and coordinators whose area covers the posting's scheme and prefecture."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.COORDINATOR and user.covers(match.scheme, match.posting.prefecture_code)


def side_of(user: User, match: Match) -> str | None:
    """``"seeker"`` (the candidate, or a startup's member), ``"poster"`` or None."""
    if not user.is_authenticated:
        return None
    if match.candidate_profile is not None and match.candidate_profile.user_id == user.id:
        return "seeker"
    if user.organisation_id is not None:
        if match.solution_posting is not None and match.solution_posting.organisation_id == user.organisation_id:
            return "seeker"
        if match.posting.organisation_id == user.organisation_id:
            return "poster"
    return None


def may_view(user: User, match: Match) -> bool:
    """Coordinators of the area; participants once the match left the internal review stages."""
    if may_coordinate(user, match):
        return True
    return side_of(user, match) is not None and machine.participant_status(match.status.value) is not None


def contacts_revealed(match: Match) -> bool:
    """Names and contacts (and a succession firm's identity) once both sides accepted."""
    return match.introduced_at is not None


def seeker_users(match: Match) -> list[User]:
    if match.candidate_profile is not None:
        return [match.candidate_profile.user]
    if match.solution_posting is not None:
        return _members(match.solution_posting.organisation_id)
    return []


def poster_users(match: Match) -> list[User]:
    return _members(match.posting.organisation_id)


def _members(organisation_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.organisation_id == organisation_id, User.active.is_(True)).order_by(User.id)))


def coordinators_of(match: Match) -> list[User]:
    """Active coordinators whose area covers the match (for reminders and notices)."""
    from marketplace.models import CoordinatorArea

    return list(db.session.scalars(sa.select(User).join(CoordinatorArea, CoordinatorArea.user_id == User.id).where(
        User.active.is_(True), User.role == Role.COORDINATOR, CoordinatorArea.scheme == match.scheme,
        CoordinatorArea.prefecture_code == match.posting.prefecture_code).distinct().order_by(User.id)))


def _require_coordinator(user: User, match: Match) -> None:
    if not may_coordinate(user, match):
        raise PermissionDenied(str(_l("この組み合わせを扱う権限がありません。")))


def _require_side(user: User, match: Match) -> str:
    side = side_of(user, match)
    if side is None:
        raise PermissionDenied(str(_l("この組み合わせの当事者ではありません。")))
    return side


# --- recording ------------------------------------------------------------------------
def _event(match: Match, actor: User | None, kind: str, note: str = "", *, internal: bool = True,
           from_status: str | None = None, to_status: str | None = None) -> MatchEvent:
    event = MatchEvent(match=match, actor_id=actor.id if actor else None, kind=kind, note=note.strip()[:4000],
                       internal=internal, from_status=from_status, to_status=to_status)
    db.session.add(event)
    return event


_REFUSALS = {
    "not_allowed": _l("今の段階からはその段階に進めません。"),
    "wrong_actor": _l("この操作はできません。"),
    "outcome_required": _l("結果を選んでください。"),
}


def _move(match: Match, target: MatchStatus, actor: User | None, actor_kind: Actor, *, note: str = "",
          internal: bool = False, outcome: str | None = None) -> None:
    """Apply one transition of the state machine and record it on the timeline."""
    scheme = get_scheme(match.scheme)
    source = match.status.value
    try:
        machine.check(source, target.value, actor_kind, has_trial=bool(scheme and scheme.has_trial),
                      outcome=outcome, scheme_outcomes=scheme.outcomes if scheme else ())
    except TransitionRefused as refused:
        raise InvalidTransition(str(_REFUSALS[refused.code])) from None
    now = utcnow()
    match.status = target
    if target in (MatchStatus.AGREED, MatchStatus.CLOSED):
        match.outcome = outcome
    stamp = {MatchStatus.APPROVED: "approved_at", MatchStatus.INTRODUCED: "introduced_at",
             MatchStatus.AGREED: "agreed_at", MatchStatus.CLOSED: "closed_at"}.get(target)
    if stamp:
        setattr(match, stamp, now)
    if target.value not in machine.ACTIVE_STATUSES:
        match.next_step, match.next_step_due = "", None
    elif target in STAGE_NEXT_STEPS:
        text, days = STAGE_NEXT_STEPS[target]
        due = now.date() + timedelta(days=days)
        if target == MatchStatus.TRIAL and match.trial_ends_on is not None and match.trial_ends_on >= now.date():
            due = match.trial_ends_on
        match.next_step, match.next_step_due = str(text), due
    _event(match, actor, "transition", note, internal=internal, from_status=source, to_status=target.value)
    logger.info("match moved", extra={"event": "match.transition", "match_id": match.id,
                                      "from": source, "to": target.value})
    if target == MatchStatus.AGREED:
        _on_agreed(match, now.date())


def _on_agreed(match: Match, today: date) -> None:
    posting_service.record_filled(match.posting)
    for months in machine.FOLLOW_UP_MONTHS:
        db.session.add(FollowUp(match=match, months=months, due_on=_add_months(today, months)))


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# --- review ---------------------------------------------------------------------------
def approve(coordinator: User, match: Match, note: str = "") -> None:
    """Approve a suggestion: both sides are asked whether they want the introduction."""
    _require_coordinator(coordinator, match)
    _move(match, MatchStatus.APPROVED, coordinator, Actor.COORDINATOR, note=note, internal=True)
    match.next_step = str(_l("双方の回答を待つ"))
    match.next_step_due = utcnow().date() + timedelta(days=ANSWER_DAYS)
    db.session.flush()
    notices.introduction_requested(match, seeker_users(match), poster_users(match))


def reject(coordinator: User, match: Match, reason: str, note: str = "") -> None:
    _require_coordinator(coordinator, match)
    if reason not in machine.REJECT_REASONS:
        raise DomainError(str(_l("見送りの理由を選んでください。")))
    _move(match, MatchStatus.REJECTED, coordinator, Actor.COORDINATOR, note=note, internal=True)
    match.reject_reason = reason
    db.session.flush()


def hold(coordinator: User, match: Match, note: str = "") -> None:
    _require_coordinator(coordinator, match)
    _move(match, MatchStatus.ON_HOLD, coordinator, Actor.COORDINATOR, note=note, internal=True)
    db.session.flush()


@dataclass(frozen=True)
class BulkResult:
    done: int
    skipped: int


def bulk(coordinator: User, match_ids: Iterable[int], action: str, reason: str = "") -> BulkResult:
    """Approve, hold or reject several suggestions; those not in the area or not reviewable are skipped."""
    done = skipped = 0
    for match_id in dict.fromkeys(match_ids):
        match = db.session.get(Match, match_id)
        if match is None or not may_coordinate(coordinator, match) or match.status not in REVIEW_STATUSES:
            skipped += 1
            continue
        try:
            with db.session.begin_nested():
                if action == "approve":
                    approve(coordinator, match)
                elif action == "hold":
                    hold(coordinator, match)
                elif action == "reject":
                    reject(coordinator, match, reason)
                else:
                    raise DomainError(str(_l("操作を選んでください。")))
        except InvalidTransition:
            skipped += 1
            continue
        done += 1
    return BulkResult(done, skipped)


def express_interest(user: User, match: Match) -> None:
    """A side says it would like this suggestion; the coordinator's queue lists it first."""
    side = _require_side(user, match)
    if match.status not in REVIEW_STATUSES:
        raise InvalidTransition(str(_l("この提案には既に対応が進んでいます。")))
    field = "seeker_interest_at" if side == "seeker" else "poster_interest_at"
    if getattr(match, field) is None:
        setattr(match, field, utcnow())
        setattr(match, f"{side}_interest_withdrawn_at", None)
        _event(match, user, "interest", internal=True)
    db.session.flush()


def withdraw_interest(user: User, match: Match) -> None:
    """A side takes back its interest while the match is still in review; the queue marks it."""
    side = _require_side(user, match)
    if match.status not in REVIEW_STATUSES:
        raise InvalidTransition(str(_l("この提案には既に対応が進んでいるため、関心を取り下げられません。紹介の打診には辞退で答えてください。")))
    field = f"{side}_interest_at"
    if getattr(match, field) is None:
        raise InvalidTransition(str(_l("この提案には関心を表明していません。")))
    setattr(match, field, None)
    setattr(match, f"{side}_interest_withdrawn_at", utcnow())
    _event(match, user, "interest_withdrawn", internal=True)
    db.session.flush()


def interests_of(user: User, *, active_only: bool = False) -> sa.Select:
    """Suggestions this person (or their organisation) said it is interested in, or withdrew, newest
    first; ``active_only``: those still interested and waiting for the coordinator's review."""
    def marked(side: str):
        now = getattr(Match, f"{side}_interest_at").is_not(None)
        if active_only:
            return sa.and_(now, Match.status.in_(REVIEW_STATUSES))
        return sa.or_(now, getattr(Match, f"{side}_interest_withdrawn_at").is_not(None))

    conditions = []
    if user.role == Role.CANDIDATE:
        from marketplace.models import CandidateProfile

        mine = Match.candidate_profile_id.in_(sa.select(CandidateProfile.id).where(CandidateProfile.user_id == user.id))
        conditions.append(sa.and_(mine, marked("seeker")))
    if user.organisation_id is not None:
        own_postings = sa.select(Posting.id).where(Posting.organisation_id == user.organisation_id)
        conditions.append(sa.and_(Match.posting_id.in_(own_postings), marked("poster")))
        conditions.append(sa.and_(Match.solution_posting_id.in_(own_postings), marked("seeker")))
    if not conditions:
        return sa.select(Match).where(sa.false())
    return sa.select(Match).where(sa.or_(*conditions)).order_by(Match.updated_at.desc(), Match.id.desc())


# --- introductions -------------------------------------------------------------------
def respond(user: User, match: Match, accept: bool, *, nda_accepted: bool = False) -> None:
    """A side's answer to the introduction request; when both accepted the match is introduced."""
    side = _require_side(user, match)
    if match.status != MatchStatus.APPROVED:
        raise InvalidTransition(str(_l("この紹介には今は回答できません。")))
    if getattr(match, f"{side}_consent") is not None:
        raise InvalidTransition(str(_l("この紹介には既に回答しています。")))
    needs_nda = accept and side == "seeker" and match.scheme == "succession"
    if needs_nda and not nda_accepted:
        raise DomainError(str(_l("秘密保持の誓約に同意してください。")))
    now = utcnow()
    setattr(match, f"{side}_consent", Consent.ACCEPTED if accept else Consent.DECLINED)
    setattr(match, f"{side}_consent_at", now)
    db.session.add(ConsentRecord(user_id=user.id, kind="introduction",
                                 value=f"match:{match.id}:{'accepted' if accept else 'declined'}",
                                 text_version=INTRODUCTION_TEXT_VERSION))
    if needs_nda:
        match.nda_version, match.nda_accepted_at = NDA_VERSION, now
        db.session.add(ConsentRecord(user_id=user.id, kind="succession_nda", value=f"match:{match.id}",
                                     text_version=NDA_VERSION))
    _event(match, user, "consent", f"{side}:{'accepted' if accept else 'declined'}", internal=False)
    if not accept:
        _move(match, MatchStatus.CLOSED, user, Actor.SYSTEM, outcome="declined", internal=False)
    elif match.seeker_consent == Consent.ACCEPTED and match.poster_consent == Consent.ACCEPTED:
        _move(match, MatchStatus.INTRODUCED, user, Actor.SYSTEM, internal=False)  # next step: first meeting
        db.session.flush()
        privacy.record_introduction(match, seeker_users(match), poster_users(match))
        notices.introduced(match, seeker_users(match) + poster_users(match))
    db.session.flush()


# --- moving along ---------------------------------------------------------------------
def advance(coordinator: User, match: Match, target: str, *, outcome: str | None = None, note: str = "",
            internal: bool = False) -> None:
    """A coordinator moves an introduced match: in talks, trial, agreed or closed."""
    _require_coordinator(coordinator, match)
    try:
        status = MatchStatus(target)
    except ValueError:
        raise InvalidTransition(str(_REFUSALS["not_allowed"])) from None
    if status in (MatchStatus.APPROVED, MatchStatus.REJECTED, MatchStatus.ON_HOLD):
        raise InvalidTransition(str(_REFUSALS["not_allowed"]))
    _move(match, status, coordinator, Actor.COORDINATOR, note=note, internal=internal, outcome=outcome or None)
    db.session.flush()


def set_next_step(coordinator: User, match: Match, text: str, due: date | None) -> None:
    _require_coordinator(coordinator, match)
    if match.status.value not in machine.ACTIVE_STATUSES:
        raise InvalidTransition(str(_l("進行中の組み合わせにだけ次の一手を設定できます。")))
    match.next_step, match.next_step_due = text.strip()[:200], due
    _event(match, coordinator, "next_step", f"{match.next_step} ({due.isoformat() if due else '-'})")
    db.session.flush()


def set_trial_dates(coordinator: User, match: Match, starts_on: date, ends_on: date) -> None:
    _require_coordinator(coordinator, match)
    scheme = get_scheme(match.scheme)
    if not (scheme and scheme.has_trial):
        raise DomainError(str(_l("この制度にはお試し期間がありません。")))
    if match.status not in (MatchStatus.IN_TALKS, MatchStatus.TRIAL):
        raise InvalidTransition(str(_l("お試し期間は、話し合い中かお試し中の組み合わせにだけ設定できます。")))
    if ends_on < starts_on:
        raise DomainError(str(_l("終了日は開始日以降にしてください。")))
    match.trial_starts_on, match.trial_ends_on = starts_on, ends_on
    if match.status == MatchStatus.TRIAL and match.next_step == str(STAGE_NEXT_STEPS[MatchStatus.TRIAL][0]):
        match.next_step_due = ends_on  # the debriefs are due when the trial ends
    _event(match, coordinator, "trial", f"{starts_on.isoformat()} – {ends_on.isoformat()}", internal=False)
    db.session.flush()


def set_details(coordinator: User, match: Match, *, adoption_route: str | None = None, budget_timing: str = "",
                appointment_status: str | None = None) -> None:
    """Scheme-specific facts: a startup's adoption route and budget timing, an accelerator's appointment."""
    _require_coordinator(coordinator, match)
    if match.scheme == "startup":
        if adoption_route and adoption_route not in machine.ADOPTION_ROUTES:
            raise DomainError(str(_l("導入の方法を選び直してください。")))
        match.adoption_route, match.budget_timing = adoption_route or None, budget_timing.strip()[:100]
        _event(match, coordinator, "details", f"adoption_route={adoption_route or '-'}; budget={match.budget_timing}")
    elif match.scheme == "accelerator":
        if appointment_status and appointment_status not in machine.APPOINTMENT_STATUSES:
            raise DomainError(str(_l("任用の状況を選び直してください。")))
        match.appointment_status = appointment_status or None
        _event(match, coordinator, "details", f"appointment={appointment_status or '-'}")
    else:
        raise DomainError(str(_l("この制度には追加の記録項目がありません。")))
    db.session.flush()


def add_note(coordinator: User, match: Match, note: str, *, internal: bool) -> None:
    _require_coordinator(coordinator, match)
    if not note.strip():
        raise DomainError(str(_l("メモを入力してください。")))
    _event(match, coordinator, "note", note, internal=internal)
    db.session.flush()


def record_debrief(user: User, match: Match, *, fit: int, would_continue: bool, next_step: str) -> TrialDebrief:
    """A side's debrief after the trial (once per side)."""
    side = _require_side(user, match)
    if match.trial_starts_on is None or match.status not in (MatchStatus.TRIAL, MatchStatus.AGREED,
                                                                MatchStatus.CLOSED):
        raise InvalidTransition(str(_l("お試し期間の振り返りはお試しが始まってから記入できます。")))
    if not 1 <= fit <= 5:
        raise DomainError(str(_l("相性は1から5で選んでください。")))
    existing = db.session.scalar(sa.select(TrialDebrief).where(TrialDebrief.match_id == match.id,
                                                               TrialDebrief.side == side))
    if existing is not None:
        raise InvalidTransition(str(_l("振り返りは既に記入されています。")))
    debrief = TrialDebrief(match_id=match.id, side=side, author_id=user.id, fit=fit, would_continue=would_continue,
                           next_step=next_step.strip()[:2000])
    db.session.add(debrief)
    _event(match, user, "debrief", side, internal=False)
    db.session.flush()
    return debrief


def debriefs(match: Match) -> dict[str, TrialDebrief]:
    return {d.side: d for d in db.session.scalars(sa.select(TrialDebrief).where(TrialDebrief.match_id == match.id))}


# --- messages ------------------------------------------------------------------------
def may_message(user: User, match: Match) -> bool:
    if not contacts_revealed(match) or match.status == MatchStatus.CLOSED:
        return False
    return side_of(user, match) is not None or may_coordinate(user, match)


def post_message(user: User, match: Match, body: str) -> MatchMessage:
    if not may_message(user, match):
        raise PermissionDenied(str(_l("このやり取りには書き込めません。")))
    body = body.strip()
    if not body:
        raise DomainError(str(_l("メッセージを入力してください。")))
    message = MatchMessage(match_id=match.id, author_id=user.id, body=body[:5000])
    db.session.add(message)
    db.session.flush()
    recipients = [u for u in seeker_users(match) + poster_users(match) + coordinators_of(match) if u.id != user.id]
    notices.new_message(match, message, recipients)
    return message


def messages(match: Match) -> list[MatchMessage]:
    return list(db.session.scalars(sa.select(MatchMessage).where(MatchMessage.match_id == match.id)
                                   .order_by(MatchMessage.id)))


# --- follow-ups ----------------------------------------------------------------------
def record_follow_up(coordinator: User, follow_up: FollowUp, *, still_going: bool, note: str) -> None:
    _require_coordinator(coordinator, follow_up.match)
    if follow_up.answered_at is not None:
        raise InvalidTransition(str(_l("このフォローアップは記録済みです。")))
    follow_up.still_going, follow_up.note = still_going, note.strip()[:2000]
    follow_up.answered_at, follow_up.answered_by_id = utcnow(), coordinator.id
    _event(follow_up.match, coordinator, "follow_up", f"{follow_up.months}: {'yes' if still_going else 'no'}")
    db.session.flush()


def follow_ups(match: Match) -> list[FollowUp]:
    return list(db.session.scalars(sa.select(FollowUp).where(FollowUp.match_id == match.id).order_by(FollowUp.months)))


def send_followup_reminders(now: datetime) -> int:
    """Remind the area's coordinators of follow-ups that fell due (each reminder once)."""
    due = list(db.session.scalars(sa.select(FollowUp).where(
        FollowUp.due_on <= now.date(), FollowUp.answered_at.is_(None), FollowUp.reminded_at.is_(None))
        .order_by(FollowUp.due_on, FollowUp.id)))
    for follow_up in due:
        notices.follow_up_due(follow_up, coordinators_of(follow_up.match))
        follow_up.reminded_at = now
    db.session.commit()
    return len(due)


# --- queries -------------------------------------------------------------------------
def in_area(coordinator: User, query: sa.Select) -> sa.Select:
    """Restrict a query over ``Match`` (joined to its posting) to the coordinator's area."""
    query = query.join(Posting, Posting.id == Match.posting_id)
    if coordinator.role == Role.ADMIN:
        return query
    cells = [sa.and_(Match.scheme == a.scheme, Posting.prefecture_code == a.prefecture_code)
             for a in coordinator.areas]
    return query.where(sa.or_(*cells)) if cells else query.where(sa.false())


#: What a queue row shows (posting, its prefecture, the candidate's name or the solution), loaded
#: in one query per relation rather than several per row.
_QUEUE_LOADS = (
    contains_eager(Match.posting).selectinload(Posting.prefecture),
    selectinload(Match.candidate_profile).selectinload(CandidateProfile.user),
    selectinload(Match.solution_posting),
)


@dataclass(frozen=True)
class QueueFilters:
    scheme: str | None = None
    prefecture: str | None = None
    min_score: float | None = None
    flag: str | None = None  # "flagged", "interest", or an engine reason code
    status: str = "suggested"  # "suggested" or "on_hold"

    def to_params(self) -> dict[str, str]:
        """The filters as query-string values (for pagination links)."""
        values = {"scheme": self.scheme, "prefecture": self.prefecture, "flag": self.flag,
                  "min_score": None if self.min_score is None else str(self.min_score),
                  "status": None if self.status == "suggested" else self.status}
        return {k: v for k, v in values.items() if v}


def review_queue(coordinator: User, filters: QueueFilters) -> sa.Select:
    """Suggestions to review, those someone is interested in first, then by score."""
    status = MatchStatus.ON_HOLD if filters.status == "on_hold" else MatchStatus.SUGGESTED
    query = in_area(coordinator, sa.select(Match).where(Match.status == status))
    if filters.scheme:
        query = query.where(Match.scheme == filters.scheme)
    if filters.prefecture:
        query = query.where(Posting.prefecture_code == filters.prefecture)
    if filters.min_score is not None:
        query = query.where(Match.score >= filters.min_score)
    if filters.flag == "flagged":
        query = query.where(Match.flagged.is_(True))
    elif filters.flag == "interest":
        query = query.where(sa.or_(Match.seeker_interest_at.is_not(None), Match.poster_interest_at.is_not(None)))
    interest = sa.case((sa.or_(Match.seeker_interest_at.is_not(None), Match.poster_interest_at.is_not(None)), 0),
                       else_=1)
    return query.options(*_QUEUE_LOADS).order_by(interest, Match.score.desc(), Match.id)


def active_matches(coordinator: User, *, overdue_on: date | None = None) -> sa.Select:
    """Open matches after review; with ``overdue_on``, only those whose next step is past due."""
    query = in_area(coordinator, sa.select(Match).where(Match.status.in_(
        [MatchStatus(s) for s in machine.ACTIVE_STATUSES])))
    if overdue_on is not None:
        query = query.where(Match.next_step_due < overdue_on)
    return query.options(contains_eager(Match.posting)).order_by(
        Match.next_step_due.is_(None), Match.next_step_due, Match.id)


def overdue_follow_ups(coordinator: User, today: date) -> list[FollowUp]:
    """Unanswered 3/6/12-month follow-ups past their due date, in the coordinator's area, oldest first."""
    query = in_area(coordinator, sa.select(FollowUp).join(Match, Match.id == FollowUp.match_id)).where(
        FollowUp.due_on < today, FollowUp.answered_at.is_(None))
    return list(db.session.scalars(query.options(contains_eager(FollowUp.match).contains_eager(Match.posting))
                                   .order_by(FollowUp.due_on, FollowUp.id)))


def participant_matches(user: User) -> sa.Select:
    """Matches a person takes part in, past the internal review stages, newest first."""
    visible = [MatchStatus(s) for s in machine.STATUSES if s not in machine.INTERNAL_STATUSES]
    sides = []
    if user.role == Role.CANDIDATE:
        from marketplace.models import CandidateProfile

        sides.append(Match.candidate_profile_id.in_(
            sa.select(CandidateProfile.id).where(CandidateProfile.user_id == user.id)))
    if user.organisation_id is not None:
        own_postings = sa.select(Posting.id).where(Posting.organisation_id == user.organisation_id)
        sides += [Match.posting_id.in_(own_postings), Match.solution_posting_id.in_(own_postings)]
    if not sides:
        return sa.select(Match).where(sa.false())
    return sa.select(Match).where(Match.status.in_(visible), sa.or_(*sides)).order_by(Match.updated_at.desc(),
                                                                                     Match.id.desc())


def awaiting_answer(user: User) -> list[Match]:
    """Introduction requests this person (or their organisation) has not answered yet."""
    rows = db.session.scalars(participant_matches(user).where(Match.status == MatchStatus.APPROVED)).all()
    return [m for m in rows if getattr(m, f"{side_of(user, m)}_consent", None) is None]


def timeline(match: Match, *, internal: bool) -> list[MatchEvent]:
    """The recorded steps, oldest first; participants see only participant-facing ones."""
    return [e for e in match.events if internal or not e.internal]
