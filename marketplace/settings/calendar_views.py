"""The private calendar feed: its settings page, regeneration behind a confirmation, and the feed.

The feed URL itself needs no sign-in (calendar services fetch it): its token is the credential,
so an unknown, malformed or replaced token answers 404 like any missing page, and the response
is neither cached by shared caches nor indexed.
"""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.core.access import role_required
from marketplace.extensions import db, limiter
from marketplace.matches import calendar_feeds
from marketplace.settings import bp
from marketplace.settings.forms import CalendarFeedForm, RegenerateCalendarForm

FEED_RATE_LIMIT = "60 per minute"


def _feed_url(token: str) -> str:
    return calendar_feeds.site_url("settings.calendar_feed", token=token)


@bp.get("/calendar")
@role_required(*calendar_feeds.FEED_ROLES, admin=False)
def calendar_page() -> str:
    token = calendar_feeds.token_of(current_user)
    db.session.commit()  # a hash brought up to date after a change of the secret key
    return render_template("settings/calendar.html", feed_url=_feed_url(token) if token else None,
                           form=CalendarFeedForm(), feed=calendar_feeds.feed_of(current_user))


@bp.post("/calendar")
@role_required(*calendar_feeds.FEED_ROLES, admin=False)
def calendar_create() -> Response:
    """Make the URL the first time (replacing one is the confirmed action below)."""
    if not CalendarFeedForm().validate_on_submit():
        abort(400)
    if calendar_feeds.feed_of(current_user) is None:
        calendar_feeds.regenerate(current_user)
        db.session.commit()
        flash(_("カレンダーのURLを作りました。カレンダーのアプリに登録してください。"), "info")
    return redirect(url_for("settings.calendar_page"), code=303)


@bp.route("/calendar/regenerate", methods=["GET", "POST"])
@role_required(*calendar_feeds.FEED_ROLES, admin=False)
def calendar_regenerate() -> Response | str | tuple[str, int]:
    """GET: ask for confirmation. POST: replace the URL; the old one answers 404 from now on."""
    if calendar_feeds.feed_of(current_user) is None:
        return redirect(url_for("settings.calendar_page"))
    form = RegenerateCalendarForm()
    if form.validate_on_submit():
        calendar_feeds.regenerate(current_user)
        db.session.commit()
        flash(_("カレンダーのURLを作り直しました。前のURLは使えません。カレンダーのアプリに新しいURLを登録し直してください。"),
              "info")
        return redirect(url_for("settings.calendar_page"), code=303)
    return render_template("settings/calendar_regenerate.html", form=form), 400 if form.is_submitted() else 200


@bp.get("/calendar/feed/<token>.ics")
@limiter.limit(FEED_RATE_LIMIT)
def calendar_feed(token: str) -> Response:
    user = calendar_feeds.user_for_token(token)
    if user is None:
        abort(404)
    response = Response(calendar_feeds.feed_text(user), mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
