"""Demo data (a published password and TOTP secret) is never loaded on a production site.

That it loads in development is tested in tests/services/test_demo.py.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import User
from marketplace.seeding import demo, demo_scale


@pytest.fixture
def production_app(app_config, _instance_dir):
    app = create_app(app_config | {"ENV_NAME": "production", "SECRET_KEY": "p" * 64, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.instance_path = _instance_dir
    with app.app_context():
        db.create_all()
    return app


def test_demo_seeding_is_refused_in_production(production_app):
    with production_app.app_context():
        with pytest.raises(RuntimeError, match="production"):
            demo.load_demo()
        with pytest.raises(RuntimeError, match="production"):
            demo_scale.scale_demo(10, 10, 1)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    result = production_app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code != 0 and demo.DEMO_PASSWORD not in result.output

