"""Views of the matches blueprint (candidates and organisation members; coordinators post messages here)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.core import idempotency
from marketplace.extensions import db
from marketplace.core.forms import flash_form_errors
from marketplace.matches import bp
from marketplace.matches.forms import DebriefForm, InterestForm, MessageForm, RespondForm
from marketplace.models import Match, MatchStatus
from marketplace.schemes.registry import get_scheme
from marketplace.matches import operations as pipeline, notices as pipeline_notices
from marketplace.privacy import records as privacy
from marketplace.profiles import visibility
from marketplace.core.domain_errors import DomainError
from marketplace.core.urls import safe_next


def _match_or_404(match_id: int) -> Match:
    """The match if the current user may see it; 404 otherwise (its existence is not disclosed)."""
    match = db.session.get(Match, match_id)
    if match is None or not pipeline.may_view(current_user, match):
        abort(404)
    return match


def _back(match: Match) -> Response:
    if pipeline.side_of(current_user, match) is None and pipeline.may_coordinate(current_user, match):
        return redirect(url_for("coordination.match_detail", match_id=match.id))
    return redirect(url_for("matches.detail", match_id=match.id))


@bp.route("/")
@login_required
def index() -> str:
    page = db.paginate(pipeline.participant_matches(current_user), per_page=20, error_out=False)
    def count(query: sa.Select) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0

    return render_template("matches/index.html", page=page, interest_count=count(pipeline.interests_of(current_user)),
                           waiting_interest_count=count(pipeline.interests_of(current_user, active_only=True)))


@bp.route("/interests")
@login_required
def interests() -> str:
    """What this person (or their organisation) marked 関心あり, with its state and a way to withdraw."""
    page = db.paginate(pipeline.interests_of(current_user), per_page=20, error_out=False)
    rows = [(m, pipeline.side_of(current_user, m)) for m in page.items]
    return render_template("matches/interests.html", page=page, rows=rows,
                           review_statuses=pipeline.REVIEW_STATUSES)


def _interested_side_or_404(match_id: int) -> tuple[Match, str]:
    match = db.session.get(Match, match_id)
    side = pipeline.side_of(current_user, match) if match is not None else None
    if side is None:
        abort(404)
    return match, side


@bp.route("/<int:match_id>/interest/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_interest(match_id: int) -> Response | str:
    """Confirm (GET), then withdraw (POST) one's interest in a suggestion still in review."""
    match, side = _interested_side_or_404(match_id)
    form = InterestForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            pipeline.withdraw_interest(current_user, match)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("関心を取り下げました。"), "info")
        return redirect(url_for("matches.interests"))
    active = getattr(match, f"{side}_interest_at") is not None and match.status in pipeline.REVIEW_STATUSES
    return render_template("matches/withdraw_interest.html", match=match, side=side, form=form, active=active)


def render_detail(match: Match, status: int = 200, **forms: object) -> tuple[str, int]:
    side = pipeline.side_of(current_user, match)
    if side is None:
        abort(404)
    scheme = get_scheme(match.scheme)
    if status >= 400:
        flash_form_errors(forms.values())  # the form may be hidden in the match's new state
    if pipeline.contacts_revealed(match):
        others = pipeline.poster_users(match) if side == "seeker" else pipeline.seeker_users(match)
        privacy.record_contact_view(current_user, match, others)
        db.session.commit()
    revealed = pipeline.contacts_revealed(match)
    profile = match.candidate_profile
    candidate = seen_by_poster = None
    if profile is not None:
        # What this page shows of the candidate, and (to the candidate) what the organisation sees.
        candidate = visibility.candidate_view(profile, current_user, introduced=revealed)
        seen_by_poster = visibility.view_for(profile, visibility.audience_of_organisation(match.posting.organisation),
                                             introduced=revealed)
    context = dict(
        match=match, side=side, scheme=scheme, revealed=revealed, candidate=candidate, seen_by_poster=seen_by_poster,
        seekers=pipeline.seeker_users(match), posters=pipeline.poster_users(match),
        timeline=pipeline.timeline(match, internal=False), messages=pipeline.messages(match),
        may_message=pipeline.may_message(current_user, match), debriefs=pipeline.debriefs(match),
        respond_form=forms.get("respond_form") or RespondForm(),
        message_form=forms.get("message_form") or MessageForm(),
        debrief_form=forms.get("debrief_form") or DebriefForm(),
    )
    return render_template("matches/detail.html", **context), status


@bp.route("/<int:match_id>")
@login_required
def detail(match_id: int) -> tuple[str, int] | Response:
    match = _match_or_404(match_id)
    if pipeline.side_of(current_user, match) is None:
        return redirect(url_for("coordination.match_detail", match_id=match.id))
    return render_detail(match)


@bp.post("/<int:match_id>/respond")
@login_required
def respond(match_id: int) -> Response | tuple[str, int]:
    match = _match_or_404(match_id)
    form = RespondForm()
    if not form.validate_on_submit() or not (form.accept.data or form.decline.data):
        return render_detail(match, 400, respond_form=form)
    try:
        pipeline.respond(current_user, match, bool(form.accept.data), nda_accepted=bool(form.nda.data))
    except DomainError as exc:
        db.session.rollback()
        form.nda.errors = [exc.message]
        return render_detail(db.session.get(Match, match_id), exc.status_code, respond_form=form)
    db.session.commit()
    pipeline_notices.send_now()
    if match.status == MatchStatus.INTRODUCED:
        flash(_("双方が承諾しました。相手の連絡先が表示されています。"), "info")
    elif form.accept.data:
        flash(_("紹介を承諾しました。相手の回答をお待ちください。"), "info")
    else:
        flash(_("紹介を辞退しました。"), "info")
    return redirect(url_for("matches.detail", match_id=match.id))


@bp.post("/<int:match_id>/messages")
@login_required
def post_message(match_id: int) -> Response | tuple[str, int]:
    match = _match_or_404(match_id)
    form = MessageForm()
    if (earlier := idempotency.earlier_result()) is not None:
        return earlier
    if not form.validate_on_submit():
        if pipeline.side_of(current_user, match) is None:
            flash(_("メッセージを入力してください。"), "error")
            return _back(match)
        return render_detail(match, 400, message_form=form)
    try:
        pipeline.post_message(current_user, match, form.body.data)
    except DomainError as exc:
        db.session.rollback()
        abort(exc.status_code)
    idempotency.remember(_back(match).location)
    if (earlier := idempotency.commit_or_replay()) is not None:
        return earlier
    pipeline_notices.send_now()
    flash(_("メッセージを送りました。"), "info")
    return _back(match)


@bp.post("/<int:match_id>/debrief")
@login_required
def debrief(match_id: int) -> Response | tuple[str, int]:
    match = _match_or_404(match_id)
    form = DebriefForm()
    if not form.validate_on_submit():
        return render_detail(match, 400, debrief_form=form)
    try:
        pipeline.record_debrief(current_user, match, fit=int(form.fit.data), would_continue=form.would_continue.data == "yes",
                                next_step=form.next_step.data or "")
    except DomainError as exc:
        db.session.rollback()
        form.fit.errors = [exc.message]
        return render_detail(db.session.get(Match, match_id), exc.status_code, debrief_form=form)
    db.session.commit()
    flash(_("振り返りを送りました。"), "info")
    return redirect(url_for("matches.detail", match_id=match.id))


@bp.post("/<int:match_id>/interest")
@login_required
def interest(match_id: int) -> Response:
    """A side says it is interested in a suggestion (suggestions are shown on the dashboards)."""
    match = db.session.get(Match, match_id)
    if match is None or pipeline.side_of(current_user, match) is None:
        abort(404)
    form = InterestForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        pipeline.express_interest(current_user, match)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("関心があることをコーディネーターに伝えました。"), "info")
    return redirect(safe_next(request.form.get("next")) or url_for("matches.index"))
