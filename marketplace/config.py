"""Configuration defaults, each read from an environment variable (the README lists them)."""
from __future__ import annotations

import os


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Defaults for development; production overrides them through the environment."""

    # Signing key for sessions and tokens. When unset it is generated once and kept in
    # the instance folder (see ``marketplace.secret_key``), never in the code.
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    # SQLAlchemy URL. A relative SQLite path lands in the instance folder.
    SQLALCHEMY_DATABASE_URI: str = os.environ.get("DATABASE_URL", "sqlite:///marketplace.sqlite")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Public address used in links inside emails.
    BASE_URL: str = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Outgoing mail. With no MAIL_SERVER, messages go to the outbox folder and the log.
    MAIL_SERVER: str | None = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT: int = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS: bool = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL: bool = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME: str | None = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD: str | None = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER: str = os.environ.get("MAIL_DEFAULT_SENDER", "noreply@localhost")
    MAIL_TIMEOUT: float = float(os.environ.get("MAIL_TIMEOUT", "10"))
    # Folder for messages when no SMTP server is configured (relative: instance folder).
    MAIL_OUTBOX_DIR: str = os.environ.get("MAIL_OUTBOX_DIR", "outbox")
    # Rate-limit storage: memory:// for one process, redis://host:6379 for several workers.
    RATELIMIT_STORAGE_URI: str = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED: bool = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED: bool = True
    # Limits on the login and password-reset forms (per client address).
    LOGIN_RATE_LIMIT: str = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    RESET_RATE_LIMIT: str = os.environ.get("RESET_RATE_LIMIT", "5 per minute;20 per hour")
    # Lifetime of emailed tokens, in seconds.
    EMAIL_TOKEN_MAX_AGE: int = int(os.environ.get("EMAIL_TOKEN_MAX_AGE", str(3 * 24 * 3600)))
    RESET_TOKEN_MAX_AGE: int = int(os.environ.get("RESET_TOKEN_MAX_AGE", "3600"))
    # Languages: Japanese first, English on request.
    BABEL_DEFAULT_LOCALE: str = "ja"
    BABEL_DEFAULT_TIMEZONE: str = "Asia/Tokyo"
    LANGUAGES: tuple[str, ...] = ("ja", "en")
    # Largest request body accepted (bytes).
    MAX_CONTENT_LENGTH: int = int(os.environ.get("MAX_CONTENT_LENGTH", str(4 * 1024 * 1024)))
    # Cookies: Secure when served over HTTPS (set SESSION_COOKIE_SECURE=1 in production).
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_SECURE: bool = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY: bool = True
    REMEMBER_COOKIE_SECURE: bool = _bool("SESSION_COOKIE_SECURE", False)
    # Argon2 cost profile: "default" (production) or "fast" (tests only).
    PASSWORD_HASH_PROFILE: str = os.environ.get("PASSWORD_HASH_PROFILE", "default")
    # Items per page on long lists.
    PAGE_SIZE: int = int(os.environ.get("PAGE_SIZE", "20"))
    # Log format: "json" (one object a line) or "text".
    LOG_FORMAT: str = os.environ.get("LOG_FORMAT", "json")
    LOG_LEVEL: str = os.environ.get("LOG_LEVEL", "INFO")
    # Set to "production" to refuse development shortcuts (e.g. a "dev" secret).
    ENV_NAME: str = os.environ.get("MARKETPLACE_ENV", "development")
