"""The steps of ``create_app``: each registers one concern on the application."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from marketplace.config import Config, default_base_url


def configure(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Load defaults, apply overrides, resolve the secret key and set up logging."""
    from marketplace.core.logs import configure_logging
    from marketplace.core.secret_key import resolve_secret_key

    app.config.from_object(Config)
    if overrides:
        app.config.update(overrides)
    if not app.config.get("BASE_URL"):
        if app.config.get("ENV_NAME") == "production":
            raise RuntimeError("BASE_URL is required in production (the public address used in mail links)")
        app.config["BASE_URL"] = default_base_url({})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SECRET_KEY"] = resolve_secret_key(app)
    configure_logging(app)


def register_extensions(app: Flask) -> None:
    """Bind the extension instances and wire Flask-Login and Babel selectors."""
    from marketplace import models  # noqa: F401  (register every table on the metadata)
    from marketplace.extensions import babel, csrf, db, limiter, login_manager, migrate
    from marketplace.core.forms import install_browser_formdata
    from marketplace.core.i18n import select_locale, select_timezone
    from marketplace.accounts.operations import load_user_by_session_secret

    db.init_app(app)
    install_sqlite_pragmas(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user_by_session_secret)
    app.before_request(_note_session_use)  # first: before any view or hook writes
    install_browser_formdata()  # files and JSON never reach text fields (a 500 otherwise)
    register_security(app)


def install_sqlite_pragmas(app: Flask) -> None:
    """On SQLite, every new connection enforces foreign keys (the ``ondelete`` rules), uses WAL on a
    file database (readers do not block the writer) and waits ``SQLITE_BUSY_TIMEOUT_MS`` for a lock."""
    from sqlalchemy import event

    from marketplace.extensions import db

    timeout = int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000))
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name != "sqlite":
            continue
        in_memory = engine.url.database in (None, "", ":memory:") or "mode=memory" in str(engine.url)

        def on_connect(dbapi_connection: Any, _record: Any, in_memory: bool = in_memory) -> None:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute(f"PRAGMA busy_timeout={timeout:d}")
                if not in_memory:
                    cursor.execute("PRAGMA journal_mode=WAL")
            finally:
                cursor.close()

        event.listen(engine, "connect", on_connect)


def _note_session_use() -> None:
    """Load the signed-in user early and write the session's last use (at most once a minute)."""
    from flask import request
    from flask_login import current_user

    from marketplace.extensions import db
    from marketplace.accounts import sessions

    if request.endpoint == "static":
        return
    if current_user.is_authenticated and sessions.touch(current_user._get_current_object()):
        db.session.commit()


def register_security(app: Flask) -> None:
    """Security headers, proxy awareness and the second-factor gate (``marketplace.core.security``)."""
    from marketplace.core.security import init_app

    init_app(app)


def register_blueprints(app: Flask) -> None:
    """Mount one blueprint per audience."""
    from marketplace.admin import bp as admin_bp
    from marketplace.api import bp as api_bp
    from marketplace.api import pages_bp as api_pages_bp
    from marketplace.accounts import bp as auth_bp
    from marketplace.profiles import bp as candidates_bp
    from marketplace.coordination import bp as coordination_bp
    from marketplace.matches import bp as matches_bp
    from marketplace.organisations import bp as organisations_bp
    from marketplace.public import bp as public_bp
    from marketplace.core.routing import DatabaseIntegerConverter
    from marketplace.settings import bp as settings_bp

    app.url_map.converters["int"] = DatabaseIntegerConverter  # before any rule is added

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(candidates_bp, url_prefix="/candidates")
    app.register_blueprint(organisations_bp, url_prefix="/organisations")
    app.register_blueprint(coordination_bp, url_prefix="/coordination")
    app.register_blueprint(matches_bp, url_prefix="/matches")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(settings_bp, url_prefix="/settings")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(api_pages_bp)


def register_errors(app: Flask) -> None:
    """Error pages in the user's language."""
    from marketplace.errors import register_error_handlers

    register_error_handlers(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals used by templates (dates in JST, fiscal years, scheme names)."""
    from marketplace.core.i18n import register_template_helpers as register

    register(app)


def register_commands(app: Flask) -> None:
    """``flask users``, ``flask seed``."""
    from marketplace.cli import register_cli

    register_cli(app)


def warm_templates(app: Flask) -> int:
    """Compile every template now (about half a second) instead of in the first request that renders
    it: each gunicorn worker would otherwise make the first visitor of every page, per worker and
    after every restart, wait for the compile (36 ms against 8 ms warm for a posting's edit form).
    Called by ``wsgi.py`` for served processes; the test suite and the CLI compile on demand."""
    names = [n for n in app.jinja_env.list_templates() if not n.startswith(".")]
    for name in names:
        app.jinja_env.get_template(name)
    return len(names)
