"""The devices a person is signed in on: list them, sign one out, sign out all the others."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.accounts import sign_in
from marketplace.accounts import bp
from marketplace.accounts.security_forms import SignOutOtherSessionsForm, SignOutSessionForm
from marketplace.extensions import db
from marketplace.models import User, UserSession
from marketplace.accounts import sessions

Page = str | Response | tuple[str, int]


def _me() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def _current_id(user: User) -> int | None:
    row = sessions.current_row(user)
    return row.id if row is not None else None


def _view(row: UserSession, current_id: int | None) -> dict[str, object]:
    return {
        "id": row.id, "device": sessions.device_label(row), "place": sessions.place_label(row.place),
        "created_at": row.created_at, "last_seen_at": row.last_seen_at, "current": row.id == current_id,
    }


@bp.route("/sessions")
@login_required
def sessions_page() -> Page:
    user = _me()
    current_id = _current_id(user)
    rows = [_view(row, current_id) for row in sessions.live_sessions(user)]
    return render_template("auth/sessions.html", rows=rows, others=sum(1 for r in rows if not r["current"]))


def _session_from(value: object) -> UserSession:
    try:
        session_id = int(str(value))
    except ValueError:
        abort(404)
    if not 0 < session_id < 2**31:
        abort(404)
    row = sessions.find_live(_me(), session_id)
    if row is None:  # another person's, already ended, or made up: nothing to tell apart
        abort(404)
    return row


@bp.route("/sessions/sign-out", methods=["GET", "POST"])
@login_required
def session_sign_out() -> Page:
    """GET asks for confirmation; POST (with the CSRF token) ends the session."""
    user = _me()
    form = SignOutSessionForm()
    if request.method == "GET":
        if not request.args.get("session"):
            return redirect(url_for("auth.sessions_page"))
        row = _session_from(request.args["session"])
        form.session_id.data = str(row.id)
        return render_template("auth/session_sign_out.html", form=form,
                               row=_view(row, _current_id(user)))
    if not form.validate_on_submit():
        return redirect(url_for("auth.sessions_page"))
    row = _session_from(form.session_id.data)
    if row.id == _current_id(user):
        sessions.end(row)
        db.session.commit()
        sign_in.sign_out()
        flash(_("ログアウトしました。"), "info")
        return redirect(url_for("public.home"))
    sessions.end(row)
    db.session.commit()
    flash(_("その端末をログアウトさせました。"), "info")
    return redirect(url_for("auth.sessions_page"))


@bp.route("/sessions/sign-out-others", methods=["GET", "POST"])
@login_required
def session_sign_out_others() -> Page:
    user = _me()
    form = SignOutOtherSessionsForm()
    if request.method == "GET":
        others = sum(1 for row in sessions.live_sessions(user) if row.id != _current_id(user))
        return render_template("auth/session_sign_out_others.html", form=form, others=others)
    if not form.validate_on_submit():
        return redirect(url_for("auth.sessions_page"))
    count = sessions.end_others(user)
    db.session.commit()
    flash(_("ほかの端末（%(n)d台）をログアウトさせました。", n=count), "info")
    return redirect(url_for("auth.sessions_page"))
