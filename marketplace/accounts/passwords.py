"""Password hashing (Argon2id) and the minimum-strength policy."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 10
MAX_LENGTH = 128

# argon2id with the library's recommended parameters; tests may ask for a cheap profile.
_PROFILES = {
    "default": PasswordHasher(),
    "fast": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
}


def _hasher() -> PasswordHasher:
    profile = current_app.config.get("PASSWORD_HASH_PROFILE", "default") if has_app_context() else "default"
    return _PROFILES[profile]


@lru_cache(maxsize=2)
def _dummy_hash(profile_id: int) -> str:
    # A valid hash of a random string: verifying against it costs as much as a real check,
    # so unknown emails and wrong passwords take the same time.
    return _hasher().hash("timing-equaliser-not-a-password")


def hash_password(password: str) -> str:
    """Return an Argon2id hash of ``password``."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; spends the same effort when there is no hash."""
    hasher = _hasher()
    try:
        matched = hasher.verify(password_hash or _dummy_hash(id(hasher)), password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current profile's."""
    return _hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Passwords too common to allow (lower-cased)."""
    text = resources.files("marketplace.data").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problems(password: str, email: str = "") -> list[str]:
    """Return the reasons ``password`` is too weak (empty when it is acceptable)."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(str(_l("パスワードは%(n)d文字以上にしてください。", n=MIN_LENGTH)))
    if len(password) > MAX_LENGTH:
        problems.append(str(_l("パスワードは%(n)d文字以内にしてください。", n=MAX_LENGTH)))
    lowered = password.lower()
    if lowered in common_passwords() or len(set(password)) < 4:
        problems.append(str(_l("よく使われる、または推測しやすいパスワードは使えません。")))
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        problems.append(str(_l("パスワードにメールアドレスを含めないでください。")))
    return problems
