"""Read-only JSON API at ``/api/v1`` (bearer tokens), and the pages to manage tokens and read about it.

* ``bp`` (``api``): the JSON endpoints and ``openapi.json``. Cookie sessions never authenticate
  here, so the blueprint is exempt from CSRF protection; errors are JSON (``marketplace.api.errors``).
* ``pages_bp`` (``api_pages``): HTML pages for signed-in users to create and revoke their tokens,
  and a public page describing the API.
"""
from flask import Blueprint

bp = Blueprint("api", __name__)
pages_bp = Blueprint("api_pages", __name__)

from marketplace.api import pages, views  # noqa: E402,F401
