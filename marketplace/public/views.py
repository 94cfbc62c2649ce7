"""Views of the public blueprint."""
from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from marketplace.extensions import db
from marketplace.public import bp
from marketplace.services import reference
from marketplace.urls import safe_next


@bp.route("/")
def home() -> str:
    return render_template("public/home.html")


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
        return jsonify(error="prefecture must be a 2-digit JIS code"), 400
    return jsonify([{"code": c, "name": n} for c, n in reference.municipality_choices(code)])
