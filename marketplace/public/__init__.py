"""Public pages: home, language switch, reference look-ups."""
from flask import Blueprint

bp = Blueprint("public", __name__)

from marketplace.public import views  # noqa: E402,F401
