"""What the signed session cookie holds about signing in.

* Between the password and the one-time code a user is *half signed in*: the cookie names the
  user, the session token the password was checked against and the time, but Flask-Login does
  not know the user, so every other page treats the visitor as anonymous.
* Once fully signed in, the cookie notes whether the second factor was given in this session.

Signing in always starts from an emptied session (only the language choice survives) and a new
per-device session secret (``services.sessions``), so an identifier planted or seen before login is
worthless. A person may be signed in on several devices; each has its own session row.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import current_app, session
from flask_login import login_user, logout_user

from marketplace.extensions import db
from marketplace.models import User
from marketplace.accounts import operations as accounts

PENDING_KEY = "_pending_sign_in"
SECOND_FACTOR_KEY = "_second_factor"
#: Session entries that outlive signing in and out (the visitor's own choices, nothing secret).
_KEPT_KEYS = ("lang",)


def _fresh_session() -> None:
    kept = {key: session[key] for key in _KEPT_KEYS if key in session}
    session.clear()
    session.update(kept)


# --- half signed in ----------------------------------------------------------------------
def start_pending(user: User, next_url: str | None) -> None:
    """The password was right; wait for the one-time code."""
    _fresh_session()
    session[PENDING_KEY] = {
        "uid": user.id, "token": user.session_token, "at": int(time.time()), "next": next_url,
    }


def _pending() -> dict[str, Any] | None:
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    max_age = current_app.config.get("TOTP_PENDING_MAX_AGE", 300)
    if int(time.time()) - int(data.get("at", 0)) > max_age:
        return None
    return data


def pending_user_id() -> int | None:
    """The id of the half-signed-in user (no database access: used as a rate-limit key)."""
    data = _pending()
    return int(data["uid"]) if data else None


def pending_user() -> User | None:
    """The half-signed-in user, while the state is fresh and no session of theirs was ended since."""
    data = _pending()
    if data is None:
        return None
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.active or user.session_token != data.get("token"):
        return None
    return user


def pending_next() -> str | None:
    data = _pending()
    return data.get("next") if data else None


def has_pending() -> bool:
    return PENDING_KEY in session


def clear_pending() -> None:
    session.pop(PENDING_KEY, None)


# --- enrolment in progress -----------------------------------------------------------------
ENROLMENT_KEY = "_totp_enrolment"


def enrolment_secret(user: User, make_secret: Callable[[], str]) -> str:
    """The secret being registered by ``user`` in this session (made once, kept until confirmed).

    It lives in the signed session rather than the database, so showing the page writes nothing.
    """
    data = session.get(ENROLMENT_KEY)
    if isinstance(data, dict) and data.get("uid") == user.id and data.get("secret"):
        return str(data["secret"])
    secret = make_secret()
    session[ENROLMENT_KEY] = {"uid": user.id, "secret": secret}
    return secret


def clear_enrolment() -> None:
    session.pop(ENROLMENT_KEY, None)


# --- signed in ---------------------------------------------------------------------------
def sign_in(user: User, *, second_factor: bool) -> None:
    """Start a new session for ``user`` on this device (the caller commits the new session row)."""
    _fresh_session()
    accounts.record_login(user)
    login_user(user)
    if second_factor:
        session[SECOND_FACTOR_KEY] = True


def renew(user: User) -> None:
    """End every other session of ``user`` and keep this one (after a password or factor change)."""
    from marketplace.accounts import sessions

    second_factor = second_factor_given()
    _fresh_session()
    sessions.end_all(user)
    sessions.start(user)
    login_user(user)
    if second_factor:
        session[SECOND_FACTOR_KEY] = True


def mark_second_factor() -> None:
    """The signed-in user proved the second factor in this session (e.g. by enrolling)."""
    session[SECOND_FACTOR_KEY] = True


def second_factor_given() -> bool:
    return session.get(SECOND_FACTOR_KEY) is True


def sign_out() -> None:
    """Forget the user in this browser (the caller ends the session row, so copies stop working)."""
    _fresh_session()
    logout_user()  # after emptying: it leaves a note to delete any remember-me cookie
