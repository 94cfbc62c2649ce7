"""Coordinators' side of the match pipeline: review queue, bulk actions, a match's workspace."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.core import idempotency
from marketplace.core.access import role_required
from marketplace.coordination import bp
from marketplace.extensions import db
from marketplace.core.forms import flash_form_errors
from marketplace.matches.forms import (
    AdvanceForm,
    BulkForm,
    DetailsForm,
    FollowUpForm,
    MessageForm,
    NextStepForm,
    NoteForm,
    ReviewDecisionForm,
    TrialForm,
    advance_choices,
)
from marketplace.models import FollowUp, Match, Prefecture, Role
from marketplace.schemes.registry import SCHEMES, get_scheme
from marketplace.postings import operations as posting_service
from marketplace.suggestions import queue as matching_queue
from marketplace.matches import operations as pipeline, notices as pipeline_notices
from marketplace.privacy import records as privacy
from marketplace.profiles import visibility
from marketplace.core.domain_errors import DomainError

PER_PAGE = 25


def _coordinated_match(match_id: int) -> Match:
    match = db.session.get(Match, match_id)
    if match is None:
        abort(404)
    if not pipeline.may_coordinate(current_user, match):
        abort(403)
    return match


def _queue_filters() -> pipeline.QueueFilters:
    args = request.args
    try:
        min_score = float(args["min_score"]) if args.get("min_score") else None
    except ValueError:
        min_score = None
    scheme = args.get("scheme") if args.get("scheme") in SCHEMES else None
    flag = args.get("flag") if args.get("flag") in ("flagged", "interest") else None
    status = "on_hold" if args.get("status") == "on_hold" else "suggested"
    return pipeline.QueueFilters(scheme=scheme, prefecture=args.get("prefecture") or None, min_score=min_score,
                                 flag=flag, status=status)


def _area_prefectures() -> list[Prefecture]:
    if current_user.role == Role.ADMIN:
        return list(db.session.scalars(db.select(Prefecture).order_by(Prefecture.code)))
    codes = sorted({a.prefecture_code for a in current_user.areas})
    return [db.session.get(Prefecture, c) for c in codes]


@bp.route("/matches")
@role_required(Role.COORDINATOR)
def match_queue() -> str:
    """Suggested matches in the area, interest first then by score, with filters."""
    filters = _queue_filters()
    page = db.paginate(pipeline.review_queue(current_user, filters), per_page=PER_PAGE, error_out=False)
    if filters.scheme:
        schemes = [filters.scheme]
    elif current_user.role == Role.ADMIN:
        schemes = list(SCHEMES)
    else:
        schemes = sorted({a.scheme for a in current_user.areas})
    pending, fresh_at, computed = matching_queue.freshness_of_queue(
        schemes, [(m.posting_id, m.seeker_ref, m.scheme) for m in page.items])
    return render_template("coordination/match_queue.html", page=page, filters=filters, bulk_form=BulkForm(),
                           schemes=SCHEMES, prefectures=_area_prefectures(), pending=pending, fresh_at=fresh_at,
                           computed=computed)


@bp.post("/matches/bulk")
@role_required(Role.COORDINATOR)
def match_bulk() -> Response:
    form = BulkForm()
    ids = [int(v) for v in request.form.getlist("match_id") if v.isdigit()][:200]
    if not form.validate_on_submit():
        abort(400)
    if not ids:
        flash(_("提案を選んでください。"), "error")
        return redirect(url_for("coordination.match_queue"))
    if form.action.data == "reject" and not form.reason.data:
        flash(_("見送りの理由を選んでください。"), "error")
        return redirect(url_for("coordination.match_queue"))
    result = pipeline.bulk(current_user, ids, form.action.data, form.reason.data or "")
    db.session.commit()
    pipeline_notices.send_now()
    flash(_("%(done)d件に適用しました（対象外 %(skipped)d件）。", done=result.done, skipped=result.skipped), "info")
    return redirect(safe_back())


def safe_back() -> str:
    from marketplace.core.urls import safe_next

    return safe_next(request.form.get("next")) or url_for("coordination.match_queue")


@bp.route("/matches/active")
@role_required(Role.COORDINATOR)
def match_pipeline() -> str:
    """Open matches after review, by next-step due date; ``?overdue=1`` keeps the late ones."""
    overdue = request.args.get("overdue") == "1"
    query = pipeline.active_matches(current_user, overdue_on=date.today() if overdue else None)
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    follow_ups = pipeline.overdue_follow_ups(current_user, date.today()) if overdue else []
    return render_template("coordination/match_pipeline.html", page=page, overdue=overdue, today=date.today(),
                           overdue_follow_ups=follow_ups)


def _detail_forms(match: Match, **overrides: object) -> dict[str, object]:
    scheme = get_scheme(match.scheme)
    advance = overrides.get("advance_form") or AdvanceForm()
    advance_choices(advance, match.status.value, scheme.outcomes if scheme else (), bool(scheme and scheme.has_trial))
    next_step = overrides.get("next_step_form") or NextStepForm(
        data={"next_step": match.next_step, "due": match.next_step_due})
    trial = overrides.get("trial_form") or TrialForm(data={"starts_on": match.trial_starts_on,
                                                           "ends_on": match.trial_ends_on})
    details = overrides.get("details_form") or DetailsForm(data={
        "adoption_route": match.adoption_route or "", "budget_timing": match.budget_timing,
        "appointment_status": match.appointment_status or ""})
    return dict(review_form=overrides.get("review_form") or ReviewDecisionForm(), advance_form=advance,
                next_step_form=next_step, trial_form=trial, details_form=details,
                note_form=overrides.get("note_form") or NoteForm(), follow_up_form=FollowUpForm(),
                message_form=MessageForm())


def render_match(match: Match, status: int = 200, **overrides: object) -> tuple[str, int]:
    from marketplace.matches.funding_panel import funding_panel_for

    scheme = get_scheme(match.scheme)
    if status >= 400:
        flash_form_errors(overrides.values())  # the form may be hidden in the match's new state
    if pipeline.contacts_revealed(match):
        privacy.record_contact_view(current_user, match, pipeline.seeker_users(match) + pipeline.poster_users(match))
        db.session.commit()
    revealed = pipeline.contacts_revealed(match)
    # the match's coordinators see the candidate as coordinators (whatever the candidate's own area)
    candidate = (visibility.view_for(match.candidate_profile, visibility.Audience.COORDINATOR, introduced=revealed)
                 if match.candidate_profile is not None else None)
    return render_template(
        "coordination/match_detail.html", match=match, scheme=scheme, candidate=candidate,
        revealed=revealed, seekers=pipeline.seeker_users(match),
        posters=pipeline.poster_users(match), timeline=pipeline.timeline(match, internal=True),
        messages=pipeline.messages(match), may_message=pipeline.may_message(current_user, match),
        debriefs=pipeline.debriefs(match), follow_ups=pipeline.follow_ups(match),
        funding=funding_panel_for(match), subsidy_warning=posting_service.subsidy_warning(match.posting),
        **_detail_forms(match, **overrides)), status


@bp.route("/matches/<int:match_id>")
@role_required(Role.COORDINATOR)
def match_detail(match_id: int) -> tuple[str, int]:
    return render_match(_coordinated_match(match_id))


def _apply(match: Match, action, form_name: str, form, message: str) -> Response | tuple[str, int]:
    """Run ``action`` for a validated form; on a domain refusal re-render with the message, nothing saved."""
    if (earlier := idempotency.earlier_result()) is not None:
        return earlier
    if not form.validate_on_submit():
        return render_match(match, 400, **{form_name: form})
    try:
        action()
    except DomainError as exc:
        db.session.rollback()
        first_field = next(iter(f for f in form if f.type not in ("CSRFTokenField", "SubmitField")))
        first_field.errors = [*first_field.errors, exc.message]
        return render_match(db.session.get(Match, match.id), exc.status_code, **{form_name: form})
    idempotency.remember(url_for("coordination.match_detail", match_id=match.id))
    if (earlier := idempotency.commit_or_replay()) is not None:
        return earlier
    pipeline_notices.send_now()
    flash(message, "info")
    return redirect(url_for("coordination.match_detail", match_id=match.id))


@bp.post("/matches/<int:match_id>/review")
@role_required(Role.COORDINATOR)
def match_review(match_id: int) -> Response | tuple[str, int]:
    match = _coordinated_match(match_id)
    form = ReviewDecisionForm()

    def act() -> None:
        note = form.note.data or ""
        if form.approve.data:
            pipeline.approve(current_user, match, note)
        elif form.hold.data:
            pipeline.hold(current_user, match, note)
        elif form.reject.data:
            pipeline.reject(current_user, match, form.reason.data or "", note)
        else:
            raise DomainError(_("操作を選んでください。"))

    return _apply(match, act, "review_form", form, _("審査結果を記録しました。"))


@bp.post("/matches/<int:match_id>/advance")
@role_required(Role.COORDINATOR)
def match_advance(match_id: int) -> Response | tuple[str, int]:
    match = _coordinated_match(match_id)
    form = AdvanceForm()
    scheme = get_scheme(match.scheme)
    advance_choices(form, match.status.value, scheme.outcomes if scheme else (), bool(scheme and scheme.has_trial))
    return _apply(match, lambda: pipeline.advance(current_user, match, form.target.data, outcome=form.outcome.data,
                                                  note=form.note.data or "", internal=form.internal.data),
                  "advance_form", form, _("段階を更新しました。"))


@bp.post("/matches/<int:match_id>/next-step")
@role_required(Role.COORDINATOR)
def match_next_step(match_id: int) -> Response | tuple[str, int]:
    match = _coordinated_match(match_id)
    form = NextStepForm()
    return _apply(match, lambda: pipeline.set_next_step(current_user, match, form.next_step.data, form.due.data),
                  "next_step_form", form, _("次の一手を保存しました。"))


@bp.post("/matches/<int:match_id>/trial")
@role_required(Role.COORDINATOR)
def match_trial(match_id: int) -> Response | tuple[str, int]:
    match = _coordinated_match(match_id)
    form = TrialForm()
    return _apply(match, lambda: pipeline.set_trial_dates(current_user, match, form.starts_on.data, form.ends_on.data),
                  "trial_form", form, _("お試し期間を保存しました。"))


@bp.post("/matches/<int:match_id>/details")
@role_required(Role.COORDINATOR)
def match_details(match_id: int) -> Response | tuple[str, int]:
    match = _coordinated_match(match_id)
    form = DetailsForm()
    return _apply(match, lambda: pipeline.set_details(
        current_user, match, adoption_route=form.adoption_route.data or None, budget_timing=form.budget_timing.data or "",
        appointment_status=form.appointment_status.data or None), "details_form", form, _("記録を保存しました。"))


@bp.post("/matches/<int:match_id>/notes")
@role_required(Role.COORDINATOR)
def match_note(match_id: int) -> Response | tuple[str, int]:
    match = _coordinated_match(match_id)
    form = NoteForm()
    return _apply(match, lambda: pipeline.add_note(current_user, match, form.note.data, internal=form.internal.data),
                  "note_form", form, _("メモを残しました。"))


@bp.post("/matches/<int:match_id>/follow-ups/<int:follow_up_id>")
@role_required(Role.COORDINATOR)
def match_follow_up(match_id: int, follow_up_id: int) -> Response | tuple[str, int]:
    match = _coordinated_match(match_id)
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None or follow_up.match_id != match.id:
        abort(404)
    form = FollowUpForm()
    return _apply(match, lambda: pipeline.record_follow_up(current_user, follow_up, still_going=form.still_going.data == "yes",
                                                           note=form.note.data or ""),
                  "follow_up_form", form, _("フォローアップを記録しました。"))
