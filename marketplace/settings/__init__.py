"""The signed-in user's own settings (mail preferences) and the login-free unsubscribe links."""
from flask import Blueprint

bp = Blueprint("settings", __name__)

from marketplace.settings import calendar_views, views  # noqa: E402,F401
