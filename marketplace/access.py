"""View decorators that enforce roles; the domain checks live in services."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from marketplace.models import Role


def role_required(*roles: Role, admin: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Require a signed-in user with one of ``roles`` (403 otherwise).

    Admins pass too unless ``admin`` is false (pages that only make sense for one's own data).
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles and not (admin and current_user.role == Role.ADMIN):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
