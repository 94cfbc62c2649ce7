"""The site answers in Japanese by default; served workers start with their templates compiled."""
import os
import subprocess
import sys
from pathlib import Path

from marketplace.app_setup import warm_templates

ROOT = Path(__file__).parents[2]


def test_home_page_is_japanese(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert "地域の挑戦と、力を貸したい人をつなぐ" in html


def test_served_workers_compile_every_template_before_their_first_request(app):
    app.jinja_env.cache.clear()
    compiled = warm_templates(app)
    assert compiled == len(app.jinja_env.list_templates()) > 50
    assert len(app.jinja_env.cache) == compiled  # each one is in the cache, nothing left to compile on use
    # The served entry point does it on import (gunicorn imports wsgi.py in each worker).
    out = subprocess.run([sys.executable, "-c", "import wsgi; print(len(wsgi.app.jinja_env.cache))"], cwd=ROOT,
                         capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert int(out.stdout.strip()) == compiled
