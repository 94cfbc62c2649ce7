"""Every HTML page the access matrix serves: each GET route, as each role of the access world, in one language.

Shared by the scans that read whole pages (visible text for internal codes, the Nu validator).
"""
from __future__ import annotations

from collections.abc import Iterator

from tests.access.observe import targets
from tests.access.test_matrix import POLICY, _path_with_overrides
from tests.access.world import ROLES, log_in


def served_pages(app, world, language: str) -> Iterator[tuple[str, str, str]]:
    """(role, path, HTML) of every 2xx HTML answer to a GET route the policy covers."""
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
            yield role, path, response.get_data(as_text=True)
