"""Views of the admin blueprint."""
from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.core import idempotency
from marketplace.core.access import role_required
from marketplace.admin import bp
from marketplace.admin.forms import MailActionForm, OrganisationForm, UserAdminForm, VerifyForm
from marketplace.accounts.forms import ROLE_LABELS
from marketplace.extensions import db
from marketplace.core.i18n import current_language
from marketplace.models import BouncedAddress, OrgKind, Organisation, Role, User
from marketplace.organisations import operations as organisations
from marketplace.digests import outbox
from marketplace.seeding import reference
from marketplace.core.domain_errors import DomainError


@bp.route("/")
@role_required(Role.ADMIN)
def dashboard() -> str:
    counts = {
        "users": db.session.scalar(sa.select(sa.func.count(User.id))),
        "organisations": db.session.scalar(sa.select(sa.func.count(Organisation.id))),
        "unverified": db.session.scalar(
            sa.select(sa.func.count(Organisation.id)).where(Organisation.verified.is_(False))
        ),
        "mail_paused": outbox.active_pause() is not None,
        "bounced": db.session.scalar(sa.select(sa.func.count(BouncedAddress.id))),
    }
    return render_template("admin/dashboard.html", counts=counts)


@bp.route("/organisations")
@role_required(Role.ADMIN)
def organisations_list() -> str:
    query = sa.select(Organisation).order_by(Organisation.verified, Organisation.id.desc())
    if request.args.get("unverified"):
        query = query.where(Organisation.verified.is_(False))
    page = db.paginate(query, per_page=20, error_out=False)
    return render_template("admin/organisations.html", page=page, verify_form=VerifyForm())


def _organisation_form(org: Organisation | None) -> OrganisationForm:
    form = OrganisationForm(obj=org)
    form.prefecture_code.choices = reference.prefecture_choices(current_language())
    prefecture = form.prefecture_code.data or (org.prefecture_code if org else None)
    form.municipality_code.choices = [("", _("指定しない"))] + reference.municipality_choices(prefecture)
    return form


@bp.route("/organisations/new", methods=["GET", "POST"])
@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def organisation_edit(org_id: int | None = None) -> str | Response | tuple[str, int]:
    org = db.get_or_404(Organisation, org_id) if org_id else None
    form = _organisation_form(org)
    if org is None and request.method == "POST" and (earlier := idempotency.earlier_result()) is not None:
        return earlier
    if form.validate_on_submit():
        codes = {code for code, _n in form.municipality_code.choices}
        if form.municipality_code.data and form.municipality_code.data not in codes:
            form.municipality_code.errors.append(_("所在都道府県の市区町村を選択してください。"))
            return render_template("admin/organisation_edit.html", form=form, org=org), 400
        if org is None:
            org = Organisation(name="", kind=OrgKind.FIRM, prefecture_code=form.prefecture_code.data)
            db.session.add(org)
        org.name, org.kind = form.name.data, OrgKind(form.kind.data)
        org.prefecture_code = form.prefecture_code.data
        org.municipality_code = form.municipality_code.data or None
        if org.verified != form.verified.data:
            organisations.set_verified(current_user, org, form.verified.data)
        if org_id is None:
            db.session.flush()
            idempotency.remember(url_for("admin.organisation_edit", org_id=org.id))
        if (earlier := idempotency.commit_or_replay()) is not None:
            return earlier
        flash(_("団体を保存しました。"), "info")
        return redirect(url_for("admin.organisations_list"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/organisation_edit.html", form=form, org=org), status


@bp.route("/organisations/<int:org_id>/verify", methods=["POST"])
@role_required(Role.ADMIN)
def organisation_verify(org_id: int) -> Response | tuple[str, int]:
    org = db.get_or_404(Organisation, org_id)
    if not VerifyForm().validate_on_submit():
        return render_template("errors/400.html"), 400
    organisations.set_verified(current_user, org, not org.verified)
    db.session.commit()
    flash(_("「%(name)s」の確認状態を変更しました。", name=org.name), "info")
    return redirect(url_for("admin.organisations_list"))


@bp.route("/users")
@role_required(Role.ADMIN)
def users_list() -> str:
    query = sa.select(User).order_by(User.id)
    role = request.args.get("role")
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    page = db.paginate(query, per_page=20, error_out=False)
    return render_template("admin/users.html", page=page, role_labels=ROLE_LABELS)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_edit(user_id: int) -> str | Response | tuple[str, int]:
    user = db.get_or_404(User, user_id)
    form = UserAdminForm(obj=user, data=None if request.method == "POST" else {
        "role": user.role.value,
        "organisation_id": str(user.organisation_id or ""),
        "schemes": sorted({a.scheme for a in user.areas}),
        "prefectures": sorted({a.prefecture_code for a in user.areas}),
    })
    form.role.choices = [(r.value, label) for r, label in ROLE_LABELS.items()]
    orgs = db.session.execute(sa.select(Organisation.id, Organisation.name).order_by(Organisation.name))
    form.organisation_id.choices = [("", _("所属なし"))] + [(str(i), n) for i, n in orgs]
    form.prefectures.choices = reference.prefecture_choices(current_language())
    if form.validate_on_submit():
        try:
            _apply_user_changes(user, form)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return render_template("admin/user_edit.html", form=form, user=user), exc.status_code
        db.session.commit()
        flash(_("利用者を保存しました。"), "info")
        return redirect(url_for("admin.users_list"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/user_edit.html", form=form, user=user), status


def _apply_user_changes(user: User, form: UserAdminForm) -> None:
    org = None
    if form.organisation_id.data:
        org = db.session.get(Organisation, int(form.organisation_id.data)) if form.organisation_id.data.isdigit() else None
        if org is None:
            raise DomainError(_("所属団体が見つかりません。"))
    new_role = Role(form.role.data)
    if new_role != Role.COORDINATOR and user.areas:
        user.areas.clear()
    user.role = new_role
    if user.active != form.active.data and user.role == Role.CANDIDATE:
        from marketplace.models import CandidateProfile
        from marketplace.suggestions import queue as matching_queue

        matching_queue.record_profile(db.session.scalar(
            sa.select(CandidateProfile.id).where(CandidateProfile.user_id == user.id)))
    user.active = form.active.data
    if new_role in (Role.MEMBER, Role.CANDIDATE):
        organisations.assign_member(current_user, user, org)
    else:
        user.organisation = None
    if new_role == Role.COORDINATOR:
        cells = organisations.parse_area(form.schemes.data or [], form.prefectures.data or [])
        organisations.set_coordinator_area(current_user, user, cells)


@bp.route("/mail")
@role_required(Role.ADMIN)
def mail_status() -> str:
    """Whether sending is paused (and why), and the addresses that bounced."""
    from marketplace.models import BouncedAddress, MailPause
    from marketplace.digests import outbox

    bounces = db.session.scalars(sa.select(BouncedAddress).order_by(BouncedAddress.created_at.desc())).all()
    history = db.session.scalars(sa.select(MailPause).order_by(MailPause.id.desc()).limit(10)).all()
    return render_template("admin/mail.html", pause=outbox.active_pause(), bounces=bounces, history=history,
                           form=MailActionForm())


@bp.route("/mail/resume", methods=["POST"])
@role_required(Role.ADMIN)
def mail_resume() -> Response | tuple[str, int]:
    from marketplace.digests import outbox

    if not MailActionForm().validate_on_submit():
        return render_template("errors/400.html"), 400
    if outbox.resume(current_user.id):
        flash(_("メールの送信を再開しました。"), "info")
    db.session.commit()
    return redirect(url_for("admin.mail_status"))


@bp.route("/mail/bounces/<int:bounce_id>/clear", methods=["POST"])
@role_required(Role.ADMIN)
def mail_unbounce(bounce_id: int) -> Response | tuple[str, int]:
    from marketplace.models import BouncedAddress
    from marketplace.digests import outbox

    bounce = db.get_or_404(BouncedAddress, bounce_id)
    if not MailActionForm().validate_on_submit():
        return render_template("errors/400.html"), 400
    outbox.unbounce(bounce.address)
    db.session.commit()
    flash(_("このアドレスへの送信を再開します。"), "info")
    return redirect(url_for("admin.mail_status"))
