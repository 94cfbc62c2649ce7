"""Accounts: register, verify email, log in/out, reset password."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from marketplace.accounts import security_views, session_views, views  # noqa: E402,F401
