"""Candidates' pages."""
from flask import Blueprint

bp = Blueprint("candidates", __name__)

from marketplace.candidates import views  # noqa: E402,F401
