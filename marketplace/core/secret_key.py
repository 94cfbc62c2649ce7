"""Secret key resolution: from the environment, else generated once into the instance folder."""
from __future__ import annotations

import os
import secrets as _secrets
from pathlib import Path

from flask import Flask

_INSECURE = {"dev", "changeme", "secret", ""}


def resolve_secret_key(app: Flask) -> str:
    """Return the configured key, or read/create ``instance/secret_key`` (mode 0600).

    Raises ``RuntimeError`` in production when the key is a well-known placeholder.
    """
    key = app.config.get("SECRET_KEY")
    if key:
        if app.config.get("ENV_NAME") == "production" and key in _INSECURE:
            raise RuntimeError("SECRET_KEY is a placeholder; set a real secret in production")
        return key
    path = Path(app.instance_path) / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    key = _secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key
