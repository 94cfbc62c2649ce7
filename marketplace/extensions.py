"""Unbound extension instances, bound to the app in ``create_app``."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from marketplace.models.base import Base

#: Highest ``?page=`` honoured by ``db.paginate``; larger numbers show this (empty) page.
MAX_PAGE = 10_000


class _SQLAlchemy(SQLAlchemy):
    """``paginate`` clamps ``?page=``: a huge number would overflow the database's OFFSET (a 500)."""

    def paginate(self, select: Any, *, page: int | None = None, **kwargs: Any) -> Any:
        if page is None and has_request_context():
            try:
                page = min(max(int(request.args.get("page", 1)), 1), MAX_PAGE)
            except (TypeError, ValueError):
                page = None  # Flask-SQLAlchemy's own fallback: the first page (or 404 with error_out)
        return super().paginate(select, page=page, **kwargs)


db = _SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
