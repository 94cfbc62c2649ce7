"""Configuration defaults, each read from an environment variable (the README lists them)."""
from __future__ import annotations

import os


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


#: Production defaults differ where safety needs it (e.g. Secure cookies).
_PRODUCTION = os.environ.get("MARKETPLACE_ENV", "development") == "production"


def default_base_url(environ: "os._Environ[str] | dict[str, str]") -> str | None:
    """``BASE_URL`` when set; else, outside production, the address ``make run`` serves.

    ``make run`` serves on ``http://127.0.0.1:$PORT`` (and exports ``PORT`` to the scheduler
    and CLI processes it starts), so links in mail work on any port without a second setting.
    In production there is no guess: ``None``, which ``create_app`` refuses.
    """
    explicit = (environ.get("BASE_URL") or "").strip()
    if explicit:
        return explicit
    if environ.get("MARKETPLACE_ENV", "development") == "production":
        return None
    port = (environ.get("PORT") or "").strip() or "5000"
    if not port.isdigit() or not 0 < int(port) < 65536:
        port = "5000"
    return f"http://127.0.0.1:{int(port)}"


class Config:
    """Defaults for development; production overrides them through the environment."""

    # Signing key for sessions and tokens. When unset it is generated once and kept in
    # the instance folder (see ``marketplace.core.secret_key``), never in the code.
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    # SQLAlchemy URL. A relative SQLite path lands in the instance folder.
    SQLALCHEMY_DATABASE_URI: str = os.environ.get("DATABASE_URL", "sqlite:///marketplace.sqlite")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # SQLite only: how long (ms) a connection waits for another one's write lock before "database is locked".
    SQLITE_BUSY_TIMEOUT_MS: int = _int("SQLITE_BUSY_TIMEOUT_MS", 5000)
    # Public address used in links inside emails; outside production it defaults to
    # http://127.0.0.1:$PORT (the address of ``make run``). Production requires it.
    BASE_URL: str | None = default_base_url(os.environ)
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
    # Registrations per client address (an office behind one NAT registers several people).
    REGISTER_RATE_LIMIT: str = os.environ.get("REGISTER_RATE_LIMIT", "50 per minute;200 per hour")
    # Limit on the JSON API (/api/v1), per client address, shared by all its endpoints.
    API_RATE_LIMIT: str = os.environ.get("API_RATE_LIMIT", "120 per minute;3000 per hour")
    # Lifetime of emailed tokens, in seconds.
    EMAIL_TOKEN_MAX_AGE: int = int(os.environ.get("EMAIL_TOKEN_MAX_AGE", str(3 * 24 * 3600)))
    RESET_TOKEN_MAX_AGE: int = int(os.environ.get("RESET_TOKEN_MAX_AGE", "3600"))
    # Languages: Japanese first, English on request.
    BABEL_DEFAULT_LOCALE: str = "ja"
    BABEL_DEFAULT_TIMEZONE: str = "Asia/Tokyo"
    LANGUAGES: tuple[str, ...] = ("ja", "en")
    # Largest request body accepted (bytes).
    MAX_CONTENT_LENGTH: int = int(os.environ.get("MAX_CONTENT_LENGTH", str(4 * 1024 * 1024)))
    # Cookies: Secure by default in production (HTTPS); off in development, where the site is plain HTTP.
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_SECURE: bool = _bool("SESSION_COOKIE_SECURE", _PRODUCTION)
    REMEMBER_COOKIE_HTTPONLY: bool = True
    REMEMBER_COOKIE_SAMESITE: str = "Lax"
    REMEMBER_COOKIE_SECURE: bool = _bool("SESSION_COOKIE_SECURE", _PRODUCTION)
    # Response headers (marketplace/security.py). No inline script or style anywhere.
    CONTENT_SECURITY_POLICY: str = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
    )
    REFERRER_POLICY: str = "strict-origin-when-cross-origin"
    PERMISSIONS_POLICY: str = (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    )
    # Strict-Transport-Security max-age (seconds), sent on HTTPS requests only; 0 turns it off.
    HSTS_MAX_AGE: int = _int("HSTS_MAX_AGE", 365 * 24 * 3600)
    # Behind a reverse proxy: how many proxies to trust for X-Forwarded-* (0 = none, the default).
    PROXY_FIX_X_FOR: int = _int("PROXY_FIX_X_FOR", 0)
    PROXY_FIX_X_PROTO: int = _int("PROXY_FIX_X_PROTO", 0)
    PROXY_FIX_X_HOST: int = _int("PROXY_FIX_X_HOST", 0)
    PROXY_FIX_X_PORT: int = _int("PROXY_FIX_X_PORT", 0)
    PROXY_FIX_X_PREFIX: int = _int("PROXY_FIX_X_PREFIX", 0)
    # Second factor (TOTP): roles that must use it (comma-separated); others may opt in.
    TOTP_REQUIRED_ROLES: str = os.environ.get("TOTP_REQUIRED_ROLES", "coordinator,admin")
    TOTP_ISSUER: str = os.environ.get("TOTP_ISSUER", "地域人材マッチング")
    # Failed code attempts allowed per account (and per client address).
    TOTP_RATE_LIMIT: str = os.environ.get("TOTP_RATE_LIMIT", "5 per minute;20 per hour")
    # Seconds between the password step and the code step before the password must be given again.
    TOTP_PENDING_MAX_AGE: int = _int("TOTP_PENDING_MAX_AGE", 300)
    # Argon2 cost profile: "default" (production) or "fast" (tests only).
    PASSWORD_HASH_PROFILE: str = os.environ.get("PASSWORD_HASH_PROFILE", "default")
    # Items per page on long lists.
    PAGE_SIZE: int = int(os.environ.get("PAGE_SIZE", "20"))
    # Log format: "json" (one object a line) or "text".
    LOG_FORMAT: str = os.environ.get("LOG_FORMAT", "json")
    LOG_LEVEL: str = os.environ.get("LOG_LEVEL", "INFO")
    # Set to "production" to refuse development shortcuts (e.g. a "dev" secret).
    ENV_NAME: str = os.environ.get("MARKETPLACE_ENV", "development")
    # --- Digests, the mail outbox and the scheduler (README "Digest emails") ---
    # Time of day (JST) of the daily digests and of the weekly ones on Mondays.
    DIGEST_SEND_TIME: str = os.environ.get("DIGEST_SEND_TIME", "08:00")
    # A run missed while the scheduler was down still happens when it is back within this many seconds.
    SCHEDULER_MISFIRE_GRACE_SECONDS: int = int(os.environ.get("SCHEDULER_MISFIRE_GRACE_SECONDS", str(6 * 3600)))
    # Users who chose "immediate" get new items gathered this often (minutes).
    DIGEST_IMMEDIATE_MINUTES: int = int(os.environ.get("DIGEST_IMMEDIATE_MINUTES", "10"))
    # Items listed per digest section before "and N more" with a link to the rest.
    DIGEST_SECTION_LIMIT: int = int(os.environ.get("DIGEST_SECTION_LIMIT", "5"))
    # Suggestions scoring at least this are "high-scoring" in coordinators' digests.
    DIGEST_HIGH_SCORE: float = float(os.environ.get("DIGEST_HIGH_SCORE", "80"))
    # Outbox sender: rows per claim, lease of a claim (s), tries before giving up, first retry delay (s).
    OUTBOX_BATCH_SIZE: int = int(os.environ.get("OUTBOX_BATCH_SIZE", "50"))
    OUTBOX_LEASE_SECONDS: int = int(os.environ.get("OUTBOX_LEASE_SECONDS", "300"))
    OUTBOX_MAX_ATTEMPTS: int = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "10"))
    OUTBOX_RETRY_BASE_SECONDS: int = int(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "60"))
    # Matcher processes (`flask match worker`): lease of a partition and of claimed changes (s),
    # changes per claim, engine refit period (s), idle poll (s), schemes to serve (comma list,
    # empty: all), and a stable name (empty: host:pid:random).
    MATCHER_LEASE_SECONDS: float = float(os.environ.get("MATCHER_LEASE_SECONDS", "30"))
    MATCHER_BATCH_SIZE: int = int(os.environ.get("MATCHER_BATCH_SIZE", "200"))
    MATCHER_REFIT_SECONDS: float = float(os.environ.get("MATCHER_REFIT_SECONDS", "3600"))
    MATCHER_POLL_SECONDS: float = float(os.environ.get("MATCHER_POLL_SECONDS", "0.5"))
    MATCHER_SCHEMES: str = os.environ.get("MATCHER_SCHEMES", "")
    MATCHER_NAME: str = os.environ.get("MATCHER_NAME", "")
    # How often the scheduler sends the outbox (s).
    OUTBOX_SEND_INTERVAL_SECONDS: int = int(os.environ.get("OUTBOX_SEND_INTERVAL_SECONDS", "60"))
    # Lifetime of unsubscribe links (s) and an optional mailto: address for List-Unsubscribe.
    UNSUBSCRIBE_TOKEN_MAX_AGE: int = int(os.environ.get("UNSUBSCRIBE_TOKEN_MAX_AGE", str(365 * 24 * 3600)))
    MAIL_UNSUBSCRIBE_MAILTO: str = os.environ.get("MAIL_UNSUBSCRIBE_MAILTO", "")
