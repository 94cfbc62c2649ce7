"""Views of the public blueprint."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from marketplace.core import idempotency
from marketplace.extensions import db
from marketplace.schemes.filter_options import posting_filter_options
from marketplace.core.i18n import current_language
from marketplace.models import DisclosureRequest, Match, MatchStatus, Posting, PostingStatus, Role, SavedSearch
from marketplace.organisations.forms import ButtonForm
from marketplace.public import bp
from marketplace.public.forms import SaveSearchForm
from marketplace.schemes.fields import label_of
from marketplace.schemes.registry import SCHEMES
from marketplace.postings import anonymity
from marketplace.postings import operations as posting_service
from marketplace.seeding import reference
from marketplace.postings import search as search_service
from marketplace.core.domain_errors import DomainError
from marketplace.postings.search import PostingFilters
from marketplace.public.statistics import ACCELERATOR_TARGET, appointed_accelerators, recruitment_status
from marketplace.core.urls import safe_next


@bp.route("/")
def home() -> str:
    return render_template("public/home.html", schemes=SCHEMES, latest=_latest_across_schemes(6))


def _latest_across_schemes(limit: int) -> list[Posting]:
    """The newest open postings, taking each scheme's newest in turn, so one busy scheme does not fill
    the list: every scheme with an open posting appears before any scheme appears twice."""
    per_scheme = [db.session.scalars(PostingFilters(scheme=code).query().limit(limit)).all() for code in SCHEMES]
    newest_first = db.session.scalars(PostingFilters().query().limit(limit)).all()
    rank = {p.id: i for i, p in enumerate(newest_first)}
    latest: list[Posting] = []
    for round_index in range(limit):
        batch = [rows[round_index] for rows in per_scheme if len(rows) > round_index]
        if not batch:
            break
        batch.sort(key=lambda p: (rank.get(p.id, limit), -(p.published_at.timestamp() if p.published_at else 0),
                                  -p.id))
        latest.extend(batch)
    return latest[:limit]


@bp.route("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico on their own (before reading the page's icon link): the site's icon."""
    response = current_app.send_static_file("favicon.svg")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/language", methods=["POST"])
def set_language() -> Response | tuple[str, int]:
    """Switch the interface language; remembered on the account when signed in."""
    form = FlaskForm()
    language = request.form.get("language", "")
    if not form.validate_on_submit() or language not in current_app.config["LANGUAGES"]:
        return render_template("errors/400.html"), 400
    session["lang"] = language
    if current_user.is_authenticated:
        current_user.locale = language
        db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("public.home"))


@bp.route("/reference/municipalities")
def municipalities() -> Response | tuple[Response, int]:
    """JSON list of one prefecture's municipalities, for the municipality picker."""
    code = request.args.get("prefecture", "")
    if not (len(code) == 2 and code.isdigit()):
        return jsonify(error=_("都道府県コード（2桁の数字）を指定してください。")), 400
    return jsonify([{"code": c, "name": n} for c, n in reference.municipality_choices(code)])


# --- postings ----------------------------------------------------------------------
@bp.route("/postings")
def postings() -> str | Response:
    filters = PostingFilters.from_args(request.args)
    page = db.paginate(filters.query(), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    if page.total and page.page > page.pages:
        # Past the end (an old link, a hand-typed number): the last page, not "no postings yet".
        args = request.args.to_dict(flat=False)
        args["page"] = [str(page.pages)]
        return redirect(url_for("public.postings", **args))
    return render_template("postings/list.html", page=page, filters=filters,
                           options=posting_filter_options(current_language()), save_form=SaveSearchForm())


@bp.route("/postings/<int:posting_id>")
def posting_detail(posting_id: int) -> str:
    posting = db.get_or_404(Posting, posting_id)
    viewer = current_user if current_user.is_authenticated else None
    if not posting_service.may_view(viewer, posting):
        abort(404)
    scheme = SCHEMES[posting.scheme]
    can_manage = viewer is not None and posting_service.can_manage(viewer, posting)
    matches = []
    fresh_pending, fresh_at = False, None
    if can_manage:
        from marketplace.suggestions import queue as matching_queue

        fresh_pending, fresh_at = matching_queue.freshness_of_posting(posting)
        matches = db.session.scalars(sa.select(Match).where(
            Match.posting_id == posting.id, Match.status != MatchStatus.REJECTED
        ).order_by(Match.score.desc(), Match.id).limit(20)).all()
    my_disclosure = None
    if viewer is not None and viewer.role == Role.CANDIDATE:
        my_disclosure = db.session.scalar(sa.select(DisclosureRequest).where(
            DisclosureRequest.posting_id == posting.id, DisclosureRequest.requester_id == viewer.id))
    return render_template(
        "postings/detail.html", posting=posting, scheme=scheme, posting_type=scheme.posting_type(posting.posting_type),
        can_manage=can_manage, matches=matches, fresh_pending=fresh_pending, fresh_at=fresh_at,
        show_identity=posting_service.may_see_identity(viewer, posting), my_disclosure=my_disclosure,
        subsidy_warning=posting_service.subsidy_warning(posting), button_form=ButtonForm(),
        label_of=label_of,
        anonymity_flags=anonymity.flags_for(posting) if can_manage and posting.status != PostingStatus.CLOSED else [],
    )


# --- schemes ------------------------------------------------------------------------
@bp.route("/schemes/<code>")
def scheme_landing(code: str) -> str:
    scheme = SCHEMES.get(code) or abort(404)
    query = PostingFilters(scheme=code).query()
    open_postings = db.session.scalars(query.limit(10)).all()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    return render_template("public/scheme.html", scheme=scheme, postings=open_postings, total=total)


@bp.route("/schemes/accelerator/status")
def accelerator_status() -> str:
    rows = recruitment_status()
    return render_template("public/accelerator_status.html", rows=rows, target=ACCELERATOR_TARGET,
                           appointed=appointed_accelerators())


# --- saved searches -----------------------------------------------------------------
@bp.route("/searches", methods=["GET", "POST"])
@login_required
def saved_searches() -> Response | str | tuple[str, int]:
    form = SaveSearchForm()
    if request.method == "POST":
        if (earlier := idempotency.earlier_result()) is not None:
            return earlier
        if not form.validate_on_submit():
            flash(_("検索条件の名前を確認してください。"), "error")
            return _saved_searches_page(), 400  # a 400 with a Location would show no page at all
        params = {k: v for k, v in request.form.items()
                  if k not in ("csrf_token", "name", "target", "submit", idempotency.FIELD)}
        try:
            search_service.save_search(current_user, form.name.data, form.target.data, params)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("public.saved_searches"))
        idempotency.remember(url_for("public.saved_searches"))
        if (earlier := idempotency.commit_or_replay()) is not None:
            return earlier
        flash(_("検索条件を保存しました。新しい結果があればお知らせします。"), "info")
        return redirect(url_for("public.saved_searches"))
    return _saved_searches_page()


def _saved_searches_page() -> str:
    searches = db.session.scalars(sa.select(SavedSearch).where(SavedSearch.user_id == current_user.id)
                                  .order_by(SavedSearch.id.desc())).all()
    return render_template("public/saved_searches.html", searches=searches, delete_form=ButtonForm())


@bp.route("/searches/<int:search_id>/delete", methods=["POST"])
@login_required
def delete_saved_search(search_id: int) -> Response:
    saved = db.get_or_404(SavedSearch, search_id)
    if saved.user_id != current_user.id or not ButtonForm().validate_on_submit():
        abort(404)
    db.session.delete(saved)
    db.session.commit()
    flash(_("検索条件を削除しました。"), "info")
    return redirect(url_for("public.saved_searches"))
