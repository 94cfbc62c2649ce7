"""Views of the coordination blueprint."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.core.access import role_required
from marketplace.coordination import bp
from marketplace.extensions import db
from marketplace.models import Match, Organisation, Posting, PostingStatus, Role
from marketplace.organisations.forms import ReviewForm
from marketplace.organisations.views import create_posting_view
from marketplace.schemes.registry import get_scheme, posting_types_for
from marketplace.postings import operations as posting_service
from marketplace.suggestions import queue as matching_queue, proposals
from marketplace.core.domain_errors import DomainError
from marketplace.organisations.operations import organisations_in_area


@bp.route("/")
@role_required(Role.COORDINATOR)
def dashboard() -> str:
    page = db.paginate(organisations_in_area(current_user), per_page=20, error_out=False)
    return render_template("coordination/dashboard.html", areas=current_user.areas, page=page,
                           counts=_home_counts())


def _home_counts() -> dict[str, int]:
    """What waits for the coordinator: postings and suggestions to review, late next steps and follow-ups."""
    from datetime import date

    from marketplace.matches import operations as pipeline

    today = date.today()

    def count(query: sa.Select) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0

    return {
        "postings": count(_area_filter(sa.select(Posting.id).where(Posting.status == PostingStatus.IN_REVIEW))),
        "suggestions": count(pipeline.review_queue(current_user, pipeline.QueueFilters()).options()
                             .with_only_columns(Match.id)),
        "overdue": count(pipeline.active_matches(current_user, overdue_on=today).with_only_columns(Match.id))
        + len(pipeline.overdue_follow_ups(current_user, today)),
    }


@bp.route("/organisations/<int:org_id>")
@role_required(Role.COORDINATOR)
def organisation(org_id: int) -> str:
    org = db.get_or_404(Organisation, org_id)
    if not current_user.covers_prefecture(org.prefecture_code):
        abort(403)
    return render_template("coordination/organisation.html", org=org,
                           types=[(s, t) for s, t in posting_types_for(org.kind) if current_user.covers(s.code.value, org.prefecture_code)])


def _area_filter(query: sa.Select) -> sa.Select:
    """Restrict a posting query to the current coordinator's scheme × prefecture cells."""
    if current_user.role == Role.ADMIN:
        return query
    cells = [sa.and_(Posting.scheme == a.scheme, Posting.prefecture_code == a.prefecture_code)
             for a in current_user.areas]
    return query.where(sa.or_(*cells)) if cells else query.where(sa.false())


@bp.route("/postings/review")
@role_required(Role.COORDINATOR)
def review_queue() -> str:
    query = _area_filter(sa.select(Posting).where(Posting.status == PostingStatus.IN_REVIEW)).order_by(
        Posting.updated_at, Posting.id)
    page = db.paginate(query, per_page=20, error_out=False)
    return render_template("coordination/review_queue.html", page=page)


@bp.route("/postings/<int:posting_id>/review", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def review_posting(posting_id: int) -> Response | tuple[str, int]:
    posting = db.get_or_404(Posting, posting_id)
    if not current_user.covers(posting.scheme, posting.prefecture_code):
        abort(403)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            if form.approve.data:
                posting_service.approve(current_user, posting)
                message = _("募集を公開しました。")
            else:
                posting_service.request_changes(current_user, posting, form.comment.data or "")
                message = _("修正を依頼しました。")
        except DomainError as exc:
            db.session.rollback()
            form.comment.errors = [exc.message]
            return _review_page(form, posting), exc.status_code
        db.session.commit()
        flash(message, "info")
        return redirect(url_for("coordination.review_queue"))
    return _review_page(form, posting), 400 if form.is_submitted() else 200


def _review_page(form: ReviewForm, posting: Posting) -> str:
    from marketplace.postings import anonymity

    scheme = get_scheme(posting.scheme)
    return render_template("coordination/review.html", form=form, posting=posting,
                           posting_type=scheme.posting_type(posting.posting_type),
                           subsidy_warning=posting_service.subsidy_warning(posting),
                           anonymity_flags=anonymity.flags_for(posting))


@bp.route("/organisations/<int:org_id>/postings/new/<scheme_code>/<type_code>", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def proxy_posting(org_id: int, scheme_code: str, type_code: str) -> Response | tuple[str, int]:
    """Post on an organisation's behalf after a hearing (recorded as a proxy posting)."""
    organisation = db.get_or_404(Organisation, org_id)
    scheme = get_scheme(scheme_code)
    posting_type = scheme.posting_type(type_code) if scheme else None
    if posting_type is None:
        abort(404)
    if not current_user.covers(scheme_code, organisation.prefecture_code):
        abort(403)
    return create_posting_view(organisation, scheme, posting_type, _("団体に代わって下書きを作成しました。"))


@bp.route("/proposal")
@role_required(Role.COORDINATOR)
def proposal() -> str:
    """A capacity-aware assignment of suggested seekers to the open places in the area."""
    schemes = sorted({a.scheme for a in current_user.areas}) or ["accelerator"]
    scheme = request.args.get("scheme") if request.args.get("scheme") in schemes else schemes[0]
    mode = "stable" if request.args.get("mode") == "stable" else "min_cost"
    pairs = proposals.propose(current_user, scheme, mode)
    return render_template("coordination/proposal.html", pairs=pairs, scheme=scheme, schemes=schemes, mode=mode)
