"""Organisation members' pages."""
from flask import Blueprint

bp = Blueprint("organisations", __name__)

from marketplace.organisations import views  # noqa: E402,F401
