"""Views of the second login step and of the account-security pages (TOTP, password change)."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.accounts import sign_in
from marketplace.core.access import second_factor_redirect
from marketplace.accounts import bp
from marketplace.accounts.security_forms import (
    ChangePasswordForm,
    DisableSecondFactorForm,
    EnrolCodeForm,
    LoginCodeForm,
    NewRecoveryCodesForm,
)
from marketplace.extensions import db, limiter
from marketplace.models import User
from marketplace.accounts import operations as accounts, two_factor
from marketplace.core.domain_errors import Conflict, DomainError, PermissionDenied
from marketplace.accounts.passwords import verify_password
from marketplace.core.urls import home_for

Page = str | Response | tuple[str, int]


def _code_limit() -> str:
    return current_app.config["TOTP_RATE_LIMIT"]


def _address_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    """Rate-limit key: the account being signed into or changed (else the client address)."""
    uid = sign_in.pending_user_id()
    if uid is None and current_user.is_authenticated:
        uid = current_user.id
    return f"account:{uid}" if uid is not None else get_remote_address()


def _failed(response: Response) -> bool:
    """Only failed attempts count against the limits."""
    return response.status_code >= 400


def _me() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


# --- second step of login --------------------------------------------------------------
@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_code_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
def login_code() -> Page:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    user = sign_in.pending_user()
    if user is None:
        sign_in.clear_pending()
        flash(_("時間が経ったため、もう一度ログインしてください。"), "info")
        return redirect(url_for("auth.login"))
    form = LoginCodeForm()
    if form.validate_on_submit():
        method = two_factor.verify(user, form.code.data)
        if method is None:
            db.session.rollback()
            form.code.errors.append(_("コードが正しくないか、既に使われています。"))
            return render_template("auth/login_code.html", form=form), 401
        next_url = sign_in.pending_next()
        sign_in.sign_in(user, second_factor=True)
        db.session.commit()
        if method == "recovery":
            flash(_("回復コードでログインしました。残りの回復コードは%(n)d個です。",
                    n=two_factor.remaining_recovery_codes(user)), "info")
        return redirect(next_url or home_for(user))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/login_code.html", form=form), status


# --- account security --------------------------------------------------------------------
def _security_page(disable_form: DisableSecondFactorForm | None = None,
                   renew_form: NewRecoveryCodesForm | None = None, status: int = 200) -> tuple[str, int]:
    user = _me()
    return render_template(
        "auth/security.html",
        two_factor_enabled=two_factor.enabled(user),
        two_factor_required=two_factor.required_for(user),
        remaining_codes=two_factor.remaining_recovery_codes(user),
        disable_form=disable_form or DisableSecondFactorForm(prefix="disable", formdata=None),
        renew_form=renew_form or NewRecoveryCodesForm(prefix="renew", formdata=None),
    ), status


@bp.route("/security")
@login_required
def security() -> Page:
    return _security_page()


@bp.route("/security/two-factor/setup", methods=["GET", "POST"])
@login_required
@limiter.limit(_code_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def two_factor_setup() -> Page:
    user = _me()
    if two_factor.enabled(user):
        return redirect(url_for("auth.security"))
    secret = sign_in.enrolment_secret(user, lambda: two_factor.new_secret(user))
    form = EnrolCodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(user, secret, form.code.data)
        except Conflict:
            db.session.rollback()
            sign_in.clear_enrolment()
            return redirect(url_for("auth.two_factor_setup"))
        except DomainError as exc:
            db.session.rollback()
            form.code.errors.append(exc.message)
            status = 400
        else:
            sign_in.renew(user)  # other sessions, signed in with the password only, end here
            sign_in.mark_second_factor()
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, continue_url=home_for(user))
    elif form.is_submitted():
        status = 400
    uri = two_factor.provisioning_uri(user, secret)
    return render_template(
        "auth/two_factor_setup.html", form=form, secret=two_factor.grouped_secret(secret), uri=uri,
        qr_code=two_factor.qr_code_data_uri(uri), required=two_factor.required_for(user),
    ), status


@bp.route("/security/two-factor/disable", methods=["POST"])
@login_required
@limiter.limit(_code_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def two_factor_disable() -> Page:
    guard = second_factor_redirect()
    if guard is not None:
        return guard
    user = _me()
    if two_factor.required_for(user):
        raise PermissionDenied(_("この種別のアカウントでは二段階認証を無効にできません。"))
    if not two_factor.enabled(user):
        return redirect(url_for("auth.security"))
    form = DisableSecondFactorForm(prefix="disable")
    if not (form.validate_on_submit() and two_factor.verify_current(user, form.code.data)):
        db.session.rollback()
        if not form.code.errors:
            form.code.errors.append(_("コードが正しくないか、既に使われています。"))
        return _security_page(disable_form=form, status=400)
    two_factor.disable(user)
    sign_in.renew(user)
    db.session.commit()
    flash(_("二段階認証を無効にしました。"), "info")
    return redirect(url_for("auth.security"))


@bp.route("/security/two-factor/recovery-codes", methods=["POST"])
@login_required
@limiter.limit(_code_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def two_factor_recovery_codes() -> Page:
    guard = second_factor_redirect()
    if guard is not None:
        return guard
    user = _me()
    if not two_factor.enabled(user):
        return redirect(url_for("auth.security"))
    form = NewRecoveryCodesForm(prefix="renew")
    if not (form.validate_on_submit() and two_factor.verify_current(user, form.code.data)):
        db.session.rollback()
        if not form.code.errors:
            form.code.errors.append(_("コードが正しくないか、既に使われています。"))
        return _security_page(renew_form=form, status=400)
    codes = two_factor.replace_recovery_codes(user)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, continue_url=url_for("auth.security"))


@bp.route("/security/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
def change_password() -> Page:
    guard = second_factor_redirect()
    if guard is not None:
        return guard
    user = _me()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("現在のパスワードが正しくありません。"))
            return render_template("auth/change_password.html", form=form), 400
        try:
            accounts.change_password(user, form.password.data)  # ends every session of the user…
        except DomainError as exc:
            db.session.rollback()
            form.password.errors.append(exc.message)
            return render_template("auth/change_password.html", form=form), 400
        sign_in.renew(user)  # …and this one goes on with a fresh token
        db.session.commit()
        flash(_("パスワードを変更しました。ほかの端末やブラウザーではログアウトしました。"), "info")
        return redirect(url_for("auth.security"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/change_password.html", form=form), status
