"""BASE_URL: links in mail follow the port ``make run`` serves; production needs an explicit address."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from marketplace import create_app
from marketplace.config import default_base_url

ROOT = Path(__file__).resolve().parents[2]


def test_default_follows_port() -> None:
    assert default_base_url({"PORT": "5811"}) == "http://127.0.0.1:5811"
    assert default_base_url({}) == "http://127.0.0.1:5000"
    assert default_base_url({"PORT": "not-a-port"}) == "http://127.0.0.1:5000"


def test_explicit_base_url_wins() -> None:
    assert default_base_url({"PORT": "5811", "BASE_URL": "https://match.example.jp"}) == "https://match.example.jp"
    assert default_base_url({"MARKETPLACE_ENV": "production", "BASE_URL": "https://m.example.jp"}) == "https://m.example.jp"


def test_production_has_no_guess() -> None:
    assert default_base_url({"MARKETPLACE_ENV": "production", "PORT": "5811"}) is None


def test_production_app_refuses_missing_base_url(tmp_path) -> None:
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app({"ENV_NAME": "production", "BASE_URL": None, "SECRET_KEY": "a-real-secret-for-this-test",
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"BASE_URL", "PORT", "MARKETPLACE_ENV"}}
    env.update(extra)
    return env


def test_process_started_with_port_mails_links_to_that_port(tmp_path) -> None:
    """A fresh process (as ``make run`` starts web, scheduler and CLI) builds mail links on $PORT."""
    code = (
        "from marketplace import create_app\n"
        "from marketplace.core.links import external_url\n"
        "app = create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x-test-secret'})\n"
        "app.instance_path = %r\n"
        "with app.app_context():\n"
        "    print(external_url('auth.login'))\n" % str(tmp_path)
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(PORT="5811"),
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip().startswith("http://127.0.0.1:5811/")


def test_make_exports_port_to_processes_it_starts(tmp_path) -> None:
    """``make run``'s recipes see PORT in their environment, also when it is the Makefile default."""
    extra = tmp_path / "extra.mk"
    extra.write_text("show-port:\n\t@echo PORT=$$PORT\n", encoding="utf-8")
    for env, expected in ((_env(), "PORT=5000"), (_env(PORT="5811"), "PORT=5811")):
        out = subprocess.run(["make", "-s", "-f", "Makefile", "-f", str(extra), "show-port"], cwd=ROOT,
                             env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == expected
