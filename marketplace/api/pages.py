"""HTML pages around the API: a signed-in user's tokens (create, revoke) and the public API guide.

A new token's secret is rendered once in the response to the POST that created it (never put
in the session or a redirect), and every page of a signed-in visitor is ``no-store``.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.core import idempotency
from marketplace.core.access import role_required
from marketplace.api import pages_bp as bp
from marketplace.api.forms import NewTokenForm, RevokeTokenForm
from marketplace.extensions import db
from marketplace.models import Role
from marketplace.accounts import api_tokens
from marketplace.core.domain_errors import DomainError

ALL_ROLES = (Role.CANDIDATE, Role.MEMBER, Role.COORDINATOR, Role.ADMIN)


def _render_tokens(form: NewTokenForm, status: int = 200, new_secret: str | None = None) -> tuple[str, int]:
    return render_template("api/tokens.html", form=form, tokens=api_tokens.tokens_of(current_user),
                           revoke_form=RevokeTokenForm(), new_secret=new_secret,
                           max_tokens=api_tokens.MAX_ACTIVE_TOKENS), status


@bp.route("/auth/tokens", methods=["GET", "POST"])
@role_required(*ALL_ROLES)
def tokens() -> tuple[str, int] | Response:
    """List the user's tokens; POST issues a new one and shows its secret this once.

    A retried POST (same one-time key) issues no second token: it answers with the list, where
    the first one is; its secret is not shown again."""
    form = NewTokenForm()
    if form.validate_on_submit():
        if (replay := idempotency.earlier_result()) is not None:
            return replay
        try:
            _token, secret = api_tokens.create_token(current_user, form.name.data, form.expires_in_days.data)
        except DomainError as exc:
            db.session.rollback()
            form.name.errors = [exc.message]
            return _render_tokens(form, exc.status_code)
        idempotency.remember(url_for("api_pages.tokens"))
        if (replay := idempotency.commit_or_replay()) is not None:
            return replay
        return _render_tokens(NewTokenForm(formdata=None), 200, new_secret=secret)
    return _render_tokens(form, 400 if form.is_submitted() else 200)


@bp.post("/auth/tokens/<int:token_id>/revoke")
@role_required(*ALL_ROLES)
def revoke(token_id: int) -> Response:
    if not RevokeTokenForm().validate_on_submit():
        abort(400)
    api_tokens.revoke_token(current_user, token_id)
    db.session.commit()
    flash(_("トークンを無効にしました。このトークンを使ったAPIの呼び出しはできなくなります。"), "info")
    return redirect(url_for("api_pages.tokens"))


@bp.get("/developers/api")
def docs() -> str:
    """What the API offers, how to authenticate, and the link to the OpenAPI document."""
    return render_template("api/docs.html")
