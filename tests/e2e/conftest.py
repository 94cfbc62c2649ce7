"""Browser end-to-end tests: the real app on a real port, Debian's chromium driven by Playwright.

These tests are collected only when ``E2E=1`` (``make test-e2e``); plain ``make test`` does not see
them at all (they are ignored, not skipped).

What the fixtures give a journey:

* ``live_server`` — the app served by werkzeug in a background thread on ``127.0.0.1:<free port>``,
  on a migrated temp-file SQLite database with the reference data loaded, real CSRF-protected forms
  and mail sent to the test SMTP server; a matcher and an outbox sender run beside it, as `make run`
  starts the matcher and the scheduler. One server (and database) per session: use fresh e-mail
  addresses (``unique_email``) so journeys do not collide.
* ``inbox`` — the SMTP server's messages (see ``tests.conftest._Inbox``); ``helpers.wait_for_mail``.
* ``page`` — a fresh browser context per test, ``base_url`` set to the server, so ``page.goto("/")``
  works. Every document the page loads must be checked with ``helpers.check_a11y(page)`` (or waived
  with ``helpers.a11y_exempt(page, reason)``); the test fails otherwise. The HTML of every checked
  page must pass the W3C Nu validator (vnu.jar, run once when the test ends). On failure a
  screenshot is saved to ``test-results/``.
"""
from __future__ import annotations

import os
import re
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = REPO_ROOT / "test-results"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
E2E_ENABLED = os.environ.get("E2E") == "1"

# Collected only on request: without E2E=1 the journey modules are not even imported.
collect_ignore_glob = [] if E2E_ENABLED else ["test_*.py", "*_test.py"]

_E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items) -> None:
    """Every test under tests/e2e carries the ``e2e`` marker, even one whose author forgot it."""
    for item in items:
        if _E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"_e2e_report_{report.when}", report)
    return report


# --- the server ------------------------------------------------------------------------
@dataclass
class LiveServer:
    url: str
    app: object
    database_path: Path


@pytest.fixture(scope="session")
def live_server(smtp_server) -> Iterator[LiveServer]:
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.seeding.reference import load_reference
    from tests.conftest import _free_port

    controller, _inbox = smtp_server
    from marketplace.config import default_base_url

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    # Mail links as ``make run`` builds them on a port other than 5000: derived from PORT, not set.
    base_url = default_base_url({"PORT": str(port)})
    assert base_url == url, base_url
    with tempfile.TemporaryDirectory(prefix="marketplace-e2e-") as tmp:
        database_path = Path(tmp) / "e2e.sqlite"
        app = create_app({
            "SECRET_KEY": "e2e-secret-key-" + uuid.uuid4().hex,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database_path}",
            "WTF_CSRF_ENABLED": True,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": controller.port,
            "BASE_URL": base_url,
            "PASSWORD_HASH_PROFILE": "fast",
            # Every journey logs in from 127.0.0.1; the default 10/minute would trip a growing suite.
            "LOGIN_RATE_LIMIT": "1000 per minute",
            "RESET_RATE_LIMIT": "1000 per minute",
            "REGISTER_RATE_LIMIT": "1000 per minute",
            "LOG_LEVEL": "WARNING",
        })
        app.instance_path = tmp
        with app.app_context():
            upgrade()  # the migrations, exactly as `flask db upgrade`
            load_reference()
            db.session.commit()
        server = make_server("127.0.0.1", port, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
        thread.start()
        # A matcher beside the server, as `make run` starts one: journeys see their suggestions.
        stop_matcher = threading.Event()

        def run_matcher() -> None:
            from marketplace.suggestions.matcher import Matcher

            with app.app_context():
                Matcher(name="e2e-matcher", lease_seconds=10, greedy=True).run(poll_seconds=0.2, stop=stop_matcher)

        matcher = threading.Thread(target=run_matcher, name="e2e-matcher", daemon=True)
        matcher.start()

        # And the scheduler's outbox tick, as `make run` starts `flask scheduler run`. Needed, not a
        # nicety: werkzeug's server closes a response (which is when the request's own send runs)
        # only once the browser lets go of the connection, so account mail would wait for the next
        # page otherwise. Production servers (gunicorn) close at once; the scheduler covers both.
        def run_outbox() -> None:
            from marketplace.digests import outbox

            with app.app_context():
                while not stop_matcher.wait(0.3):
                    try:
                        outbox.send_pending()
                    except Exception:  # noqa: BLE001 - SQLite busy under the journeys: next round
                        db.session.rollback()

        sender = threading.Thread(target=run_outbox, name="e2e-outbox", daemon=True)
        sender.start()
        try:
            yield LiveServer(url=url, app=app, database_path=database_path)
        finally:
            stop_matcher.set()
            matcher.join(timeout=30)
            sender.join(timeout=30)
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def inbox(smtp_server):
    """The test SMTP server's inbox (shared by the session: look messages up by address)."""
    _controller, box = smtp_server
    return box


@pytest.fixture
def unique_email():
    """A fresh address for each call: ``unique_email("candidate")`` → ``candidate-3f9a…@example.jp``."""

    def make(prefix: str = "user") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}@example.jp"

    return make


# --- the browser -----------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make e2e-deps` (apt-get install chromium)", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class DocumentLog:
    """Which documents the page loaded, and which of them were checked with axe."""

    loaded: dict[str, str] = field(default_factory=dict)  # document id -> URL
    checked: set[str] = field(default_factory=set)
    html: dict[str, tuple[str, str]] = field(default_factory=dict)  # document id -> (URL, HTML) for vnu
    last_document: object = None  # the main frame's latest document response
    lock: threading.Lock = field(default_factory=threading.Lock)

    def unchecked(self) -> list[str]:
        with self.lock:
            return [url for doc, url in self.loaded.items() if doc not in self.checked]


# Gives every document an id and reports it once loaded, so that teardown can tell which
# pages a journey visited without running axe on them.
_DOCUMENT_TRACKER = """
(() => {
  const id = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));
  Object.defineProperty(window, "__e2eDocumentId", { value: id });
  window.addEventListener("load", () => {
    if (window.__e2eDocumentLoaded) { window.__e2eDocumentLoaded(id, location.href); }
  });
})();
"""


@pytest.fixture
def page(browser, live_server, request) -> Iterator[object]:
    # bypass_csp: axe is injected as an inline script, which a future Content-Security-Policy would block.
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    log = DocumentLog()

    def document_loaded(source, doc_id: str, url: str) -> None:
        with log.lock:
            log.loaded[doc_id] = url

    context.expose_binding("__e2eDocumentLoaded", document_loaded)
    context.add_init_script(script=_DOCUMENT_TRACKER)
    page = context.new_page()
    page._e2e_documents = log  # read by helpers.check_a11y / a11y_exempt

    def document_response(response) -> None:
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            log.last_document = response

    page.on("response", document_response)
    console_errors: list[str] = []
    # Uncaught exceptions and console errors, less Chromium's note on every 4xx/5xx response
    # (a 401 for a wrong password is expected).
    page.on("console", lambda msg: console_errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    yield page
    failed = any(
        getattr(request.node, f"_e2e_report_{when}", None) is not None
        and getattr(request.node, f"_e2e_report_{when}").failed
        for when in ("setup", "call")
    )
    try:
        if failed:
            _screenshot(page, request.node.nodeid)
        else:
            # Let the last load report arrive, then insist that every document was checked.
            try:
                page.wait_for_load_state("load")
                page.evaluate("() => 0")
            except Exception:  # noqa: BLE001 (a closed page has nothing more to report)
                pass
            unchecked = log.unchecked()
            if unchecked:
                _screenshot(page, request.node.nodeid)
                pytest.fail(
                    "pages visited without an accessibility check (call check_a11y(page) after "
                    "each navigation): " + ", ".join(unchecked),
                    pytrace=False,
                )
            if console_errors:
                pytest.fail("JavaScript errors in the browser:\n  " + "\n  ".join(console_errors), pytrace=False)
            # Every checked page must be valid HTML (W3C Nu validator, one run for the whole test).
            from tests.e2e.helpers import validate_html

            html_errors = validate_html(list(log.html.values()))
            if html_errors:
                pytest.fail(f"{len(html_errors)} HTML error(s) (W3C Nu validator):\n  " + "\n  ".join(html_errors),
                            pytrace=False)
    finally:
        context.close()


def _screenshot(page, nodeid: str) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.replace("tests/e2e/", "")).strip("_")
    path = RESULTS_DIR / f"{name}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
        print(f"\nscreenshot of the failure: {path.relative_to(REPO_ROOT)} ({page.url})")
    except Exception as exc:  # noqa: BLE001 (a screenshot must not hide the real failure)
        print(f"\ncould not save a screenshot: {exc}")
