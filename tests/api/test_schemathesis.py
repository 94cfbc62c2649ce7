"""Property-based conformance of the API to its own OpenAPI document (schemathesis over WSGI).

Schemathesis loads ``/api/v1/openapi.json`` from the app, generates requests for every operation
(valid and invalid parameters) and checks that no answer is a server error and that every status
code, content type and body is the one the document declares. Each operation is called with the
token of a user whose role it serves, over the seeded world of ``tests/api/conftest.py``.

The schema is loaded eagerly at import (``schemathesis.pytest.from_fixture`` reads a pytest node
attribute that pytest 9.2 no longer has) and every call goes to the test's own ``app`` fixture.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from marketplace import create_app
from tests.api.conftest import CANARY_VALUES, bearer
from tests.conftest import make_config

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
#: Which seeded user calls each operation (the others use the candidate's token).
CALLER = {"/coordination/queue": "coordinator", "/postings": "member", "/postings/{posting_id}": "member"}


def _document_app():
    """An app used only to serve the OpenAPI document at collection time (no database work)."""
    return create_app(make_config(25, SQLALCHEMY_DATABASE_URI="sqlite://"))


#: Loaded from the app over WSGI, as a client would. Requests go to each test's own seeded ``app``.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _document_app())


@pytest.fixture
def tokens(app, api_world, make_token) -> dict[str, str]:
    app.config["API_RATE_LIMIT"] = "100000 per minute"  # thousands of calls in a few seconds
    return {"candidate": make_token(api_world.candidate), "coordinator": make_token(api_world.coordinator),
            "member": make_token(api_world.member)}


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_the_api_conforms_to_its_openapi_document(case, app, tokens):
    secret = tokens[CALLER.get(case.operation.path, "candidate")]
    response = case.call_and_validate(headers=bearer(secret), checks=CHECKS, app=app)
    for canary in CANARY_VALUES:
        assert canary not in response.text
