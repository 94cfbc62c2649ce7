"""Coordinators' workspace."""
from flask import Blueprint

bp = Blueprint("coordination", __name__)

from marketplace.coordination import views  # noqa: E402,F401
from marketplace.coordination import candidate_views  # noqa: E402,F401
from marketplace.coordination import match_views  # noqa: E402,F401
from marketplace.coordination import csv_views  # noqa: E402,F401
from marketplace.coordination import dashboard_views  # noqa: E402,F401
