"""Views of the coordination blueprint."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from marketplace.access import role_required
from marketplace.coordination import bp
from marketplace.extensions import db
from marketplace.models import Organisation, Role
from marketplace.services.organisations import organisations_in_area


@bp.route("/")
@role_required(Role.COORDINATOR)
def dashboard() -> str:
    page = db.paginate(organisations_in_area(current_user), per_page=20, error_out=False)
    return render_template("coordination/dashboard.html", areas=current_user.areas, page=page)


@bp.route("/organisations/<int:org_id>")
@role_required(Role.COORDINATOR)
def organisation(org_id: int) -> str:
    org = db.get_or_404(Organisation, org_id)
    if not current_user.covers_prefecture(org.prefecture_code):
        abort(403)
    return render_template("coordination/organisation.html", org=org)
