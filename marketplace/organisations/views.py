"""Views of the organisations blueprint."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from marketplace.access import role_required
from marketplace.models import Role
from marketplace.organisations import bp
from marketplace.services.organisations import can_publish


@bp.route("/")
@role_required(Role.MEMBER)
def dashboard() -> str:
    return render_template(
        "organisations/dashboard.html",
        organisation=current_user.organisation,
        can_publish=can_publish(current_user),
    )
