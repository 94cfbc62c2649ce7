"""Pytest plugin: keep every log record of the run, and every secret the run produced, for the log sentinel.

A handler on the root logger formats each record as production writes it (``marketplace.core.logs``'s
JSON formatter: message, request method and path, event, incident id, traceback) and adds the
record's other extras. Wrappers note every secret as it is made — passwords (hashed or checked by
argon2), session and API tokens (``secrets.token_urlsafe``/``token_hex``), TOTP secrets,
recovery codes, signed tokens (itsdangerous) — without changing what they return.
``tests/security/test_logs.py`` runs last (marker ``after_all_other_tests``) and looks for them.
"""
from __future__ import annotations

import functools
import logging
import re
import secrets
import sys
import threading

import argon2
import itsdangerous
import pyotp
import pytest

from marketplace.core.logs import JsonFormatter
from marketplace.accounts import api_tokens, two_factor

#: Attributes every LogRecord has; anything else was passed as ``extra``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}
MIN_SECRET_LENGTH = 10


class Collector(logging.Handler):
    """Every record of the run, as one line of text each."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.formatter = JsonFormatter()
        self.lines: list[str] = []
        self.events: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # noqa: BLE001 - a record the formatter cannot write is still checked
            line = f"{record.getMessage()} {record.exc_text or ''}"
        extras = {key: value for key, value in vars(record).items() if key not in _STANDARD}
        self.lines.append(f"{line} {extras!r}" if extras else line)  # ``handle`` holds the handler's lock
        self.events.append(str(getattr(record, "event", "")))


class SecretLedger:
    """The secrets the run produced (only those long enough to be told apart from ordinary text)."""

    def __init__(self) -> None:
        self.values: set[str] = set()  # tokens, TOTP secrets, recovery codes, signed tokens
        self.passwords: set[str] = set()  # every password argon2 hashed or checked
        self._lock = threading.Lock()

    def note(self, value: object, *, password: bool = False) -> None:
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
            with self._lock:
                (self.passwords if password else self.values).add(value)


COLLECTOR = Collector()
LEDGER = SecretLedger()
_originals: list[tuple[object, str, object]] = []


def _wrap_result(owner: object, name: str, min_length: int = MIN_SECRET_LENGTH) -> None:
    """Note what ``owner.name(...)`` returns (a secret, or a list of them) if it has ``min_length``."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        for value in result if isinstance(result, list) else (result,):
            if isinstance(value, str | bytes) and len(value) >= min_length:
                LEDGER.note(value)
        return result

    _originals.append((owner, name, original))
    setattr(owner, name, wrapper)


def _wrap_argument(owner: object, name: str, position: int) -> None:
    """Note the argument at ``position`` of ``owner.name(...)`` (a password given to argon2)."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        if len(args) > position:
            LEDGER.note(args[position], password=True)
        return original(*args, **kwargs)

    _originals.append((owner, name, original))
    setattr(owner, name, wrapper)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "after_all_other_tests: run after every other collected test")
    logging.getLogger().addHandler(COLLECTOR)
    _wrap_result(secrets, "token_urlsafe")
    _wrap_result(secrets, "token_hex", 32)  # 16 bytes and more: shorter ones are incident ids and file names
    _wrap_result(pyotp, "random_base32")
    _wrap_result(two_factor, "replace_recovery_codes")
    _wrap_result(api_tokens, "new_secret")
    _wrap_result(itsdangerous.Serializer, "dumps")
    _wrap_argument(argon2.PasswordHasher, "hash", 1)
    _wrap_argument(argon2.PasswordHasher, "verify", 2)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Put the collector back if something replaced the root logger's handlers (``flask db`` runs
    alembic's ``fileConfig``, which does)."""
    root = logging.getLogger()
    if COLLECTOR not in root.handlers:
        root.addHandler(COLLECTOR)


def pytest_unconfigure(config: pytest.Config) -> None:
    logging.getLogger().removeHandler(COLLECTOR)
    while _originals:
        owner, name, original = _originals.pop()
        setattr(owner, name, original)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    last = [item for item in items if item.get_closest_marker("after_all_other_tests")]
    if last:
        items[:] = [item for item in items if item not in last] + last


# --- what counts as a leak ---------------------------------------------------------------------
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
API_SECRET = re.compile(r"rtm_[A-Za-z0-9_-]{20,}")
_WORD = re.compile(r"[A-Za-z0-9_\-.~]{%d,}" % MIN_SECRET_LENGTH)


def known_passwords() -> set[str]:
    """Password constants of the test modules and the demo (besides those argon2 saw)."""
    found = set()
    for name, module in list(sys.modules.items()):
        if name.startswith(("tests.", "marketplace.")) and module is not None:
            for attribute, value in vars(module).items():
                if attribute.endswith("PASSWORD") and isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
                    found.add(value)
    return found


def any_of(values: set[str]) -> re.Pattern[str]:
    """One regex matching any of ``values`` (longest first); matches nothing when there are none."""
    if not values:
        return re.compile(r"(?!x)x")
    return re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)))


def leaks_in(line: str, secrets_made: set[str], passwords: re.Pattern[str]) -> list[str]:
    """What in ``line`` is a password, a token or an e-mail address."""
    problems = [f"e-mail address {m.group(0)!r}" for m in EMAIL.finditer(line)]
    problems += [f"API token {m.group(0)[:8]}…" for m in API_SECRET.finditer(line)]
    problems += [f"password {m.group(0)[:3]}…" for m in passwords.finditer(line)]
    for word in _WORD.findall(line):
        pieces = {word, *word.split(".")}
        hit = next((piece for piece in pieces if piece in secrets_made), None)
        if hit is not None:
            problems.append(f"secret {hit[:6]}… (made by the run)")
    return problems
