"""Views of the candidates blueprint."""
from __future__ import annotations

from marketplace.access import role_required
from marketplace.candidates import bp
from marketplace.models import Role
from flask import render_template


@bp.route("/")
@role_required(Role.CANDIDATE)
def dashboard() -> str:
    return render_template("candidates/dashboard.html")
