"""Views of the organisations blueprint: the organisation's postings and candidate browsing."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.core.access import role_required
from marketplace.extensions import db
from marketplace.schemes.filter_options import candidate_filter_options
from marketplace.core import idempotency
from marketplace.core.i18n import current_language
from marketplace.models import (
    CandidateProfile,
    CloseReason,
    DisclosureRequest,
    Organisation,
    Posting,
    PostingStatus,
    Role,
)
from marketplace.organisations import bp
from marketplace.organisations.forms import (
    ButtonForm,
    CloseForm,
    PostingBaseForm,
    form_data_from_posting,
    posting_form_class,
)
from marketplace.public.forms import SaveSearchForm
from marketplace.schemes.registry import get_scheme, posting_types_for, seeks_candidates
from marketplace.postings import operations as posting_service
from marketplace.postings import anonymity
from marketplace.suggestions import queue as matching_queue
from marketplace.privacy import records as privacy
from marketplace.seeding import reference
from marketplace.profiles import visibility
from marketplace.core.domain_errors import DomainError
from marketplace.organisations.operations import can_publish
from marketplace.postings.search import CandidateFilters, candidate_visibilities_for


def prepare_posting_form(form: PostingBaseForm, default_prefecture: str | None) -> None:
    """Fill the place pickers; municipalities follow the chosen prefecture."""
    form.prefecture_code.choices = reference.prefecture_choices(current_language())
    if not form.prefecture_code.data and default_prefecture:
        form.prefecture_code.data = default_prefecture
    form.municipality_code.choices = [("", _("指定しない"))] + reference.municipality_choices(form.prefecture_code.data)


def get_managed_posting_or_404(posting_id: int) -> Posting:
    """The posting when the current user manages it; 404 when missing, 403 when not theirs."""
    posting = db.get_or_404(Posting, posting_id)
    if not posting_service.can_manage(current_user, posting):
        abort(403)
    return posting


def render_posting_form(form, scheme, posting_type, organisation, posting=None, status=200):
    return render_template("postings/form.html", form=form, scheme=scheme, posting_type=posting_type,
                           organisation=organisation, posting=posting,
                           subsidy_warning=posting is not None and posting_service.subsidy_warning(posting),
                           anonymity_flags=anonymity.flags_for(posting) if posting is not None else []), status


def flash_anonymity(posting: Posting) -> None:
    """After saving an anonymous case: say so when it holds details that identify the firm."""
    if anonymity.flags_for(posting):
        flash(_("匿名の案件に、事業者を特定できる情報が見つかりました。審査に出す前に、下の確認結果を見て書き換えてください。"),
              "error")


def create_posting_view(organisation: Organisation, scheme, posting_type, success: str) -> Response | tuple[str, int]:
    """The new-posting form for ``organisation`` (members and proxy-posting coordinators share it)."""
    form = posting_form_class(scheme.code.value, posting_type)()
    prepare_posting_form(form, organisation.prefecture_code)
    if request.method == "POST" and (earlier := idempotency.earlier_result()) is not None:
        return earlier
    if form.validate_on_submit():
        try:
            posting = posting_service.create_posting(current_user, organisation, scheme.code.value,
                                                     posting_type.code, form.to_data(posting_type))
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return render_posting_form(form, scheme, posting_type, organisation, status=exc.status_code)
        idempotency.remember(url_for("public.posting_detail", posting_id=posting.id))
        if (earlier := idempotency.commit_or_replay()) is not None:
            return earlier
        flash(success, "info")
        flash_anonymity(posting)
        return redirect(url_for("public.posting_detail", posting_id=posting.id))
    return render_posting_form(form, scheme, posting_type, organisation, status=400 if form.is_submitted() else 200)


@bp.route("/")
@role_required(Role.MEMBER)
def dashboard() -> str:
    organisation = current_user.organisation
    page = None
    if organisation is not None:
        query = sa.select(Posting).where(Posting.organisation_id == organisation.id).order_by(Posting.id.desc())
        page = db.paginate(query, per_page=20, error_out=False)
    return render_template("organisations/dashboard.html", organisation=organisation, page=page,
                           can_publish=can_publish(current_user),
                           seeks_candidates=organisation is not None and seeks_candidates(organisation.kind),
                           offers_solutions=organisation is not None and any(
                               t.side == "offer" for _s, t in posting_types_for(organisation.kind)))


@bp.route("/postings/new")
@role_required(Role.MEMBER)
def choose_posting_type() -> str:
    organisation = current_user.organisation
    if organisation is None:
        abort(403)
    return render_template("organisations/choose_type.html", types=posting_types_for(organisation.kind),
                           organisation=organisation)


@bp.route("/postings/new/<scheme_code>/<type_code>", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def new_posting(scheme_code: str, type_code: str) -> Response | tuple[str, int]:
    organisation = current_user.organisation
    scheme = get_scheme(scheme_code)
    posting_type = scheme.posting_type(type_code) if scheme else None
    if organisation is None or posting_type is None:
        abort(404)
    return create_posting_view(organisation, scheme, posting_type,
                               _("下書きを保存しました。内容を確認して審査に出してください。"))


@bp.route("/postings/<int:posting_id>/edit", methods=["GET", "POST"])
@role_required(Role.MEMBER, Role.COORDINATOR)
def edit_posting(posting_id: int) -> Response | tuple[str, int]:
    posting = get_managed_posting_or_404(posting_id)
    scheme = get_scheme(posting.scheme)
    posting_type = scheme.posting_type(posting.posting_type)
    form_cls = posting_form_class(posting.scheme, posting_type)
    form = form_cls(data=None if request.method == "POST" else form_data_from_posting(posting, posting_type))
    form.is_new = False
    prepare_posting_form(form, posting.prefecture_code)
    if form.validate_on_submit():
        try:
            posting_service.update_posting(current_user, posting, form.to_data(posting_type))
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return render_posting_form(form, scheme, posting_type, posting.organisation, posting, exc.status_code)
        db.session.commit()
        flash(_("募集を保存しました。"), "info")
        flash_anonymity(posting)
        return redirect(url_for("public.posting_detail", posting_id=posting.id))
    return render_posting_form(form, scheme, posting_type, posting.organisation, posting,
                               400 if form.is_submitted() else 200)


@bp.route("/postings/<int:posting_id>/submit", methods=["POST"])
@role_required(Role.MEMBER, Role.COORDINATOR)
def submit_posting(posting_id: int) -> Response:
    posting = get_managed_posting_or_404(posting_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    posting_service.submit_for_review(current_user, posting)
    db.session.commit()
    flash(_("審査に出しました。コーディネーターが確認します。"), "info")
    return redirect(url_for("public.posting_detail", posting_id=posting.id))


@bp.route("/postings/<int:posting_id>/close", methods=["GET", "POST"])
@role_required(Role.MEMBER, Role.COORDINATOR)
def close_posting(posting_id: int) -> Response | tuple[str, int]:
    posting = get_managed_posting_or_404(posting_id)
    form = CloseForm()
    if form.validate_on_submit():
        posting_service.close(current_user, posting, CloseReason(form.reason.data))
        db.session.commit()
        flash(_("募集を終了しました。"), "info")
        return redirect(url_for("public.posting_detail", posting_id=posting.id))
    return render_template("postings/close.html", form=form, posting=posting), 400 if form.is_submitted() else 200


@bp.route("/postings/<int:posting_id>/disclosures", methods=["GET", "POST"])
@role_required(Role.MEMBER, Role.COORDINATOR)
def disclosures(posting_id: int) -> Response | str:
    posting = get_managed_posting_or_404(posting_id)
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        req = db.get_or_404(DisclosureRequest, request.form.get("request_id", type=int) or 0)
        if req.posting_id != posting.id:
            abort(404)
        posting_service.decide_disclosure(current_user, req, request.form.get("decision") == "approve")
        db.session.commit()
        flash(_("開示の依頼に回答しました。"), "info")
        return redirect(url_for("organisations.disclosures", posting_id=posting.id))
    requests = db.session.scalars(sa.select(DisclosureRequest).where(DisclosureRequest.posting_id == posting.id)
                                  .order_by(DisclosureRequest.id.desc())).all()
    return render_template("organisations/disclosures.html", posting=posting, requests=requests, form=form)


def _not_looking_for_people() -> Response | None:
    """A startup looks for no people (its menu offers municipalities' challenges instead): an old link
    or a typed address to the candidate search goes to its own page with the reason."""
    organisation = current_user.organisation
    if organisation is None or seeks_candidates(organisation.kind):
        return None
    flash(_("この団体の種類では人材を探せません。自治体の地域課題を見て、解決策を提案してください。"), "warning")
    return redirect(url_for("organisations.dashboard"))


@bp.route("/candidates")
@role_required(Role.MEMBER)
def candidates() -> str | Response:
    refused = _not_looking_for_people()
    if refused is not None:
        return refused
    filters = CandidateFilters.from_args(request.args)
    visibilities = candidate_visibilities_for(current_user)
    page = db.paginate(filters.query(visibilities), per_page=20, error_out=False)
    views = {p.id: visibility.candidate_view(p, current_user) for p in page.items}
    return render_template("organisations/candidates.html", page=page, filters=filters, views=views,
                           verified=can_publish(current_user), options=candidate_filter_options(current_language()),
                           save_form=SaveSearchForm(target="candidates"))


@bp.route("/candidates/<int:profile_id>")
@role_required(Role.MEMBER)
def candidate_detail(profile_id: int) -> str | Response:
    refused = _not_looking_for_people()
    if refused is not None:
        return refused
    profile = db.get_or_404(CandidateProfile, profile_id)
    view = visibility.candidate_view(profile, current_user)
    if not view.listed or profile.use_stopped_at is not None or not profile.user.active:
        abort(404)
    privacy.record_profile_view(current_user, profile, view)
    db.session.commit()
    return render_template("organisations/candidate_detail.html", profile=profile, view=view)
