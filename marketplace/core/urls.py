"""URL helpers: safe redirects after login, each role's home page."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for

from marketplace.models import Role, User

_HOME_ENDPOINTS = {
    Role.CANDIDATE: "candidates.dashboard",
    Role.MEMBER: "organisations.dashboard",
    Role.COORDINATOR: "coordination.dashboard",
    Role.ADMIN: "admin.dashboard",
}


def home_for(user: User) -> str:
    """The page a user lands on after login."""
    return url_for(_HOME_ENDPOINTS[user.role])


def safe_next(target: str | None) -> str | None:
    """Return ``target`` when it is a local path (no scheme, host or protocol-relative //)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
