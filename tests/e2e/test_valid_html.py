"""Valid HTML beyond the journeys: every page the access matrix serves (every GET route, as every role of
the access world, in Japanese and in English), checked with the W3C Nu validator in one run.

The journeys check the pages they visit in the browser (see ``conftest.page``); this covers the pages no
journey opens. Collected with the browser suite (``E2E=1``) since it needs vnu.jar and Java from
``make e2e-deps``, though it drives no browser.
"""
from __future__ import annotations

import pytest

from tests.access.pages import served_pages
from tests.access.world import build_world
from tests.e2e.helpers import validate_html


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_page_of_the_access_matrix_is_valid_html(app, world, language) -> None:
    documents = [(f"{path} as {role} ({language})", html) for role, path, html in served_pages(app, world, language)]
    assert len(documents) > 100, f"only {len(documents)} pages were served: is the world broken?"
    errors = validate_html(documents)
    assert not errors, f"{len(errors)} HTML error(s) (W3C Nu validator):\n  " + "\n  ".join(errors)
