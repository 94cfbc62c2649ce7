"""Valid HTML beyond the journeys: every page the access matrix serves (every GET route, as every role of
the access world, in Japanese and in English), checked with the W3C Nu validator in one run.

The journeys check the pages they visit in the browser (see ``conftest.page``); this covers the pages no
journey opens. Collected with the browser suite (``E2E=1``) since it needs vnu.jar and Java from
``make e2e-deps``, though it drives no browser.
"""
from __future__ import annotations

import pytest

from tests.access.observe import targets
from tests.access.test_matrix import POLICY, _path_with_overrides
from tests.access.world import ROLES, build_world, log_in
from tests.e2e.helpers import validate_html


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_page_of_the_access_matrix_is_valid_html(app, world, language) -> None:
    documents: list[tuple[str, str]] = []
    for role in ROLES:
        client = app.test_client()
        log_in(client, world, role)
        switched = client.post("/language", data={"language": language, "next": "/"})
        assert switched.status_code == 302, (role, switched.status_code)
        for target in targets(app, world):
            if target.method != "GET" or target.endpoint not in POLICY:
                continue
            path = _path_with_overrides(app, world, target)
            response = client.get(path)
            if not (200 <= response.status_code < 300) or response.mimetype != "text/html":
                continue
            documents.append((f"{path} as {role} ({language})", response.get_data(as_text=True)))
    assert len(documents) > 100, f"only {len(documents)} pages were served: is the world broken?"
    errors = validate_html(documents)
    assert not errors, f"{len(errors)} HTML error(s) (W3C Nu validator):\n  " + "\n  ".join(errors)
