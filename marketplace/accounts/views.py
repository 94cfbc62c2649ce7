"""Views of the auth blueprint."""
from __future__ import annotations

from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.accounts import sign_in
from marketplace.accounts import bp
from marketplace.accounts.forms import ForgotPasswordForm, LoginForm, RegisterForm, ResendForm, ResetPasswordForm
from marketplace.extensions import db, limiter
from marketplace.core.i18n import current_language
from marketplace.models import OrgKind, Role
from marketplace.accounts import operations as accounts, invitations, two_factor
from marketplace.digests import notifications
from marketplace.seeding import reference
from marketplace.core.domain_errors import Conflict, DomainError
from marketplace.core.urls import home_for, safe_next


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = RegisterForm()
    form.org_prefecture.choices = [("", _("選択してください"))] + reference.prefecture_choices(current_language())
    # Only the chosen prefecture's municipalities (the picker script narrows it on change); never
    # the ~1,900 of the whole country, which nobody can scroll.
    municipalities = reference.municipality_choices(form.org_prefecture.data) if form.org_prefecture.data else []
    form.municipality_codes = {code for code, _name in municipalities}
    form.org_municipality.choices = [("", _("指定しない"))] + municipalities
    if request.method == "GET" and request.args.get("role") in {Role.CANDIDATE.value, Role.MEMBER.value}:
        form.role.data = request.args["role"]
    if request.method == "GET" and (invitation := invitations.find_open_invitation(request.args.get("invitation", ""))):
        form.email.data, form.display_name.data = invitation.email, invitation.name  # prefilled from the invitation
    if form.validate_on_submit():
        new_org = None
        if form.role.data == Role.MEMBER.value:
            new_org = accounts.NewOrganisation(
                name=form.org_name.data,
                kind=OrgKind(form.org_kind.data),
                prefecture_code=form.org_prefecture.data,
                municipality_code=form.org_municipality.data or None,
            )
        try:
            accounts.register(
                form.email.data, form.password.data, Role(form.role.data), form.display_name.data,
                current_language(), new_org,
            )
        except Conflict:
            # Same answer as a new registration, so the form does not reveal who has an account;
            # the owner of the address is told by mail instead.
            db.session.rollback()
            accounts.send_already_registered_notice(form.email.data)
            db.session.commit()
            return _registered(form.email.data)
        except DomainError as exc:
            db.session.rollback()
            form.password.errors.append(exc.message)
            return render_template("auth/register.html", form=form), exc.status_code
        db.session.commit()
        return _registered(form.email.data)
    status = 400 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status


def _registered(email: str) -> Response:
    """Post/Redirect/Get: a reload of the next page does not send the registration again."""
    session["registered_email"] = email
    return accounts.send_after_response(redirect(url_for("auth.register_sent"), code=303))


@bp.route("/register/sent")
def register_sent() -> str | Response:
    email = session.get("registered_email")
    if not email:
        return redirect(url_for("auth.register"))
    return render_template("auth/check_email.html", email=email)


@bp.route("/verify/<token>")
def verify_email(token: str) -> str | tuple[str, int]:
    # Following the link changes one timestamp, once; it is idempotent like a GET should be.
    user = accounts.verify_email(token)
    if user is None:
        return render_template("auth/verify_failed.html", form=ResendForm()), 400
    invitations.mark_accepted(user)
    db.session.commit()
    return render_template("auth/verified.html")


@bp.route("/verify/resend", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def resend_verification() -> str | tuple[str, int]:
    form = ResendForm()
    if form.validate_on_submit():
        user = accounts.find_user_by_email(form.email.data)
        if user is not None and (not user.email_verified or notifications.is_bouncing(user.email)):
            accounts.send_verification_email(user)  # confirming a bouncing address again clears it
            db.session.commit()
        return accounts.send_after_response(
            make_response(render_template("auth/check_email.html", email=form.email.data)))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/resend.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.rollback()
            flash(_("メールアドレスまたはパスワードが正しくありません。"), "error")
            return render_template("auth/login.html", form=form), 401
        if not user.email_verified:
            db.session.rollback()
            flash(_("メールアドレスの確認が済んでいません。届いたメールのリンクを開いてください。"), "error")
            return render_template("auth/login.html", form=form, show_resend=True), 403
        next_url = safe_next(request.args.get("next"))
        if two_factor.enabled(user):
            db.session.commit()  # a rehashed password, if any
            sign_in.start_pending(user, next_url)
            return redirect(url_for("auth.login_code"))
        sign_in.sign_in(user, second_factor=False)
        db.session.commit()
        if two_factor.required_for(user):
            flash(_("このアカウントでは二段階認証が必要です。認証アプリを登録してください。"), "info")
            return redirect(url_for("auth.two_factor_setup"))
        return redirect(next_url or home_for(user))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    accounts.record_logout(current_user._get_current_object())
    db.session.commit()
    sign_in.sign_out()
    flash(_("ログアウトしました。"), "info")
    return redirect(url_for("public.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password() -> str | tuple[str, int]:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.send_password_reset(form.email.data)
        db.session.commit()
        return accounts.send_after_response(make_response(render_template("auth/reset_sent.html")))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/forgot.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str) -> str | Response | tuple[str, int]:
    user = accounts.user_for_reset_token(token)
    if user is None:
        return render_template("auth/reset_failed.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(user, form.password.data)
        except DomainError as exc:
            db.session.rollback()
            form.password.errors.append(exc.message)
            return render_template("auth/reset.html", form=form), 400
        db.session.commit()
        flash(_("パスワードを変更しました。新しいパスワードでログインしてください。"), "info")
        return redirect(url_for("auth.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/reset.html", form=form), status
