"""View decorators that enforce roles; the domain checks live in services."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.models import Role


def role_required(*roles: Role, admin: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Require a signed-in user with one of ``roles`` (403 otherwise).

    Admins pass too unless ``admin`` is false (pages that only make sense for one's own data).
    Users whose role needs a second factor must have given it in this session (see
    :func:`second_factor_redirect`).
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            pending = second_factor_redirect()
            if pending is not None:
                return pending
            if current_user.role not in roles and not (admin and current_user.role == Role.ADMIN):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def second_factor_redirect() -> Response | None:
    """Where a signed-in user must go first when their role needs a second factor not yet given.

    Not enrolled: to the enrolment page. Enrolled but signed in without the code (the factor was
    set up after this session began): signed out, to sign in again with the code.
    """
    from marketplace.accounts import sign_in
    from marketplace.accounts import two_factor

    if not current_user.is_authenticated or sign_in.second_factor_given():
        return None
    if not two_factor.required_for(current_user):
        return None
    if two_factor.enabled(current_user):
        sign_in.sign_out()
        flash(_("確認コードを使って、もう一度ログインしてください。"), "info")
        return redirect(url_for("auth.login"))
    flash(_("このページを開くには二段階認証の設定が必要です。認証アプリを登録してください。"), "info")
    return redirect(url_for("auth.two_factor_setup"))
