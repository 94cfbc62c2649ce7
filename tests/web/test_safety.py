"""CSRF, secrets, crashes and the development mail outbox."""
from __future__ import annotations

import os
import stat

import pytest
from flask import Blueprint

from marketplace import create_app
from tests.conftest import make_config


@pytest.fixture
def csrf_app(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_posts_without_csrf_token_are_refused(csrf_app, app):
    client = app.test_client()
    for path, data in [
        ("/auth/login", {"email": "a@example.jp", "password": "x"}),
        ("/auth/register", {"email": "a@example.jp"}),
        ("/language", {"language": "en"}),
    ]:
        response = client.post(path, data=data)
        assert response.status_code == 400, path
        assert "フォームの有効期限が切れました" in response.get_data(as_text=True)


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, app):
    from marketplace.core.secret_key import resolve_secret_key

    app.instance_path = str(tmp_path)
    app.config["SECRET_KEY"] = None
    key = resolve_secret_key(app)
    assert len(key) == 64
    assert resolve_secret_key(app) == key
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600


def test_production_refuses_a_placeholder_secret(smtp_server):
    with pytest.raises(RuntimeError):
        create_app(make_config(25, SECRET_KEY="dev", ENV_NAME="production"))


def test_crash_shows_an_incident_id_and_no_traceback(app_config, caplog):
    app = create_app(app_config | {"TESTING": False, "PROPAGATE_EXCEPTIONS": False})
    boom = Blueprint("boom", __name__)

    @boom.route("/boom")
    def explode():
        raise ValueError("secret internal detail")

    app.register_blueprint(boom)
    response = app.test_client().get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in html and "Traceback" not in html
    incident = html.split("次の番号をお知らせください: ")[1].split("<")[0].strip()
    assert any(getattr(r, "incident_id", None) == incident for r in caplog.records)


def test_without_smtp_mail_goes_to_the_outbox_folder(app_config, tmp_path, capsys):
    from marketplace.digests.mail import Mail, send_mail

    app = create_app(app_config | {"MAIL_SERVER": None})
    app.instance_path = str(tmp_path)
    with app.app_context():
        send_mail(Mail(to="x@example.jp", subject="件名テスト", text="本文 http://localhost/auth/verify/abc"))
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    assert b"x@example.jp" in files[0].read_bytes()
    assert "http://localhost/auth/verify/abc" in capsys.readouterr().err
