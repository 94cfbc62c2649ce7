"""Sessions per device: start, load, list and end them.

A person may be signed in on several devices at once. Each sign-in makes a ``UserSession`` row
and a fresh 256-bit secret; the cookie carries the secret, the row its hash. Signing out ends the
row of this device; a password change or reset, or a new second factor, ends them all (the caller
then starts a new one for the device that made the change, if it stays signed in).

What is kept about a device is the least that lets a person recognise it: a browser / system
summary of the User-Agent and the network of the address (IPv4 /24, IPv6 /48), never the address.
"""
from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import has_request_context, request
from flask_babel import gettext as _

from marketplace.extensions import db
from marketplace.models import User, UserSession, utcnow

#: ``last_seen_at`` is written at most this often per session.
TOUCH_INTERVAL = timedelta(minutes=1)
LOCAL = "local"

_BROWSERS = (  # order matters: Edge and Opera also say Chrome, Chrome also says Safari
    ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
    ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"),
)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def summarise_user_agent(header: str | None) -> str:
    """"Firefox / Windows"-style summary of a User-Agent header ("" when nothing is recognised)."""
    header = header or ""
    browser = next((name for marker, name in _BROWSERS if marker in header), "")
    system = next((name for marker, name in _SYSTEMS if marker in header), "")
    if not browser and not system:
        # Tools (curl/8.0, python-requests/2.31): the product name only, never the whole header.
        match = re.match(r"[A-Za-z][A-Za-z0-9._-]{0,30}", header)
        return match.group(0) if match else ""
    return " / ".join(part for part in (browser, system) if part)


def approximate_place(address: str | None) -> str:
    """The network an address belongs to, so that nobody is shown a full address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return LOCAL
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def place_label(place: str) -> str:
    """The place as shown on the sessions page."""
    if place == LOCAL:
        return _("このコンピューター（ローカル）")
    if not place:
        return _("不明")
    network = ipaddress.ip_network(place, strict=False)
    if network.is_private:
        return _("社内・家庭内ネットワーク（%(network)s）", network=place)
    return _("ネットワーク %(network)s", network=place)


def device_label(row: UserSession) -> str:
    return row.user_agent or _("不明なブラウザー")


def start(user: User) -> str:
    """Begin a session of ``user`` on the requesting device; returns the cookie's secret."""
    secret = secrets.token_urlsafe(32)
    agent, place = "", ""
    if has_request_context():
        agent = summarise_user_agent(request.headers.get("User-Agent"))[:64]
        place = approximate_place(request.remote_addr)[:64]
    now = utcnow()
    row = UserSession(user_id=user.id, secret_hash=_hash(secret), created_at=now, last_seen_at=now,
                      user_agent=agent, place=place)
    db.session.add(row)
    db.session.flush()
    user._session_secret = secret
    user._session_row = row
    return secret


def load(secret: str) -> User | None:
    """Flask-Login loader: the active user of a live session with this secret (one query)."""
    if not isinstance(secret, str) or not secret:
        return None
    found = db.session.execute(
        sa.select(UserSession, User).join(User, User.id == UserSession.user_id)
        .where(UserSession.secret_hash == _hash(secret), UserSession.revoked_at.is_(None),
               User.active.is_(True))
    ).first()
    if found is None:
        return None
    row, user = found
    user._session_secret = secret
    user._session_row = row
    return user


def current_row(user: User) -> UserSession | None:
    row = getattr(user, "_session_row", None)
    return row if isinstance(row, UserSession) else None


def touch(user: User) -> bool:
    """Note that this session was used now, at most once per ``TOUCH_INTERVAL``; True when written."""
    row = current_row(user)
    if row is None:
        return False
    now = utcnow()
    if row.last_seen_at is not None and now - row.last_seen_at < TOUCH_INTERVAL:
        return False
    db.session.execute(sa.update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
    row.last_seen_at = now
    return True


def live_sessions(user: User) -> list[UserSession]:
    return list(db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ))


def find_live(user: User, session_id: int) -> UserSession | None:
    """A live session of ``user`` (None for another person's, an ended or unknown one)."""
    return db.session.scalar(sa.select(UserSession).where(
        UserSession.id == session_id, UserSession.user_id == user.id, UserSession.revoked_at.is_(None)))


def end(row: UserSession, at: datetime | None = None) -> None:
    if row.revoked_at is None:
        row.revoked_at = at or utcnow()


def end_current(user: User) -> None:
    """Sign out this device only."""
    row = current_row(user)
    if row is not None:
        end(row)


def end_others(user: User) -> int:
    """End every session of ``user`` but this device's; returns how many ended."""
    row = current_row(user)
    query = sa.update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if row is not None:
        query = query.where(UserSession.id != row.id)
    result = db.session.execute(query.values(revoked_at=utcnow()), execution_options={"synchronize_session": False})
    return int(result.rowcount or 0)


def end_all(user: User) -> None:
    """End every session of ``user``, this one included, and any half-finished sign-in."""
    db.session.execute(
        sa.update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow()), execution_options={"synchronize_session": False})
    row = current_row(user)
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
    user.rotate_session_token()
