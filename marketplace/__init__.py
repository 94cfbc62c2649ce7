"""Regional-revitalisation matching marketplace.

Only :func:`create_app` lives here; Flask is imported lazily so that the pure
``marketplace.matching`` package can be used without it.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> "Flask":
    """Build the web application: config, then extensions, blueprints, errors and commands.

    ``config`` overrides the environment-derived defaults (tests pass a mapping).
    Performs no database work, no scheduler start and no network calls.
    """
    from flask import Flask

    from marketplace.app_setup import (
        configure,
        register_blueprints,
        register_commands,
        register_errors,
        register_extensions,
        register_template_helpers,
    )

    app = Flask(__name__, instance_relative_config=True)
    configure(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_template_helpers(app)
    register_commands(app)
    return app
