"""Views of the settings blueprint: notification preferences, and unsubscribe links that need no login.

The unsubscribe endpoint takes RFC 8058 one-click POSTs from mail clients, which carry no CSRF
token: it is exempt from CSRF protection and acts only on a valid signed token. GET shows a
confirmation page, so link scanners that follow links do not unsubscribe anybody.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.core.access import role_required
from marketplace.extensions import csrf, db
from marketplace.models import DeliveryMode, Role
from marketplace.core.i18n import current_language
from marketplace.schemes.codes import SchemeCode, scheme_name
from marketplace.digests import notifications
from marketplace.settings import bp
from marketplace.settings.forms import UnsubscribeForm, field_name, settings_form_class

_SCHEME_HELP = _l("新しいおすすめ、保存した検索の新着、確認待ちの件数など")
_PERSONAL_HELP = _l("「毎日」「毎週」を選ぶと、すぐには送らず次のまとめメールに入れます。")


def _topics() -> tuple[list[tuple[str, object, object]], list[tuple[str, object, object]]]:
    language = current_language()
    digest = [(code.value, scheme_name(code.value, language), _SCHEME_HELP) for code in SchemeCode]
    digest.append((notifications.GENERAL, _l("制度に関係しないお知らせ"), _l("制度を指定していない保存した検索の新着など")))
    personal = [(kind, label, _PERSONAL_HELP) for kind, label in notifications.PERSONAL_KINDS.items()]
    return digest, personal


@bp.route("/notifications", methods=["GET", "POST"], endpoint="notifications")
@role_required(Role.CANDIDATE, Role.MEMBER, Role.COORDINATOR, Role.ADMIN)
def notifications_page() -> Response | tuple[str, int]:
    digest_topics, personal_topics = _topics()
    form_class = settings_form_class(digest_topics + personal_topics)
    modes = notifications.modes_for(current_user)
    form = form_class(data={field_name(t): modes[t].value for t, _label, _help in digest_topics + personal_topics})
    if form.validate_on_submit():
        chosen = {t: DeliveryMode(form[field_name(t)].data) for t, _label, _help in digest_topics + personal_topics}
        notifications.set_modes(current_user, chosen)
        db.session.commit()
        flash(_("お知らせの設定を保存しました。"), "info")
        return redirect(url_for("settings.notifications"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "settings/notifications.html", form=form, status=status,
        digest_fields=[form[field_name(t)] for t, _label, _help in digest_topics],
        personal_fields=[form[field_name(t)] for t, _label, _help in personal_topics],
        bouncing=notifications.is_bouncing(current_user.email)), status


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> tuple[str, int]:
    """GET: confirm. POST (the button, or a mail client's one-click): stop the mail the token covers."""
    found = notifications.read_unsubscribe(token)
    if found is None:
        return render_template("settings/unsubscribe_invalid.html"), 400
    user, scope = found
    what = (_("お知らせのまとめメール") if scope == notifications.DIGESTS_SCOPE
            else _("「%(kind)s」のメール", kind=notifications.PERSONAL_KINDS[scope.removeprefix("kind:")]))
    form = UnsubscribeForm()
    if form.is_submitted():
        notifications.unsubscribe(user, scope)
        db.session.commit()
        return render_template("settings/unsubscribed.html", what=what), 200
    return render_template("settings/unsubscribe.html", form=form, what=what), 200
