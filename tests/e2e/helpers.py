"""Reusable steps for browser journeys: accessibility checks, registration, mail, login.

Every helper that makes the browser load a page runs :func:`check_a11y` on it, so a journey
built from these steps checks each page it visits; after your own navigations (a ``page.goto``,
a click that follows a link or submits a form) call ``check_a11y(page)`` yourself.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess  # nosec B404 - runs the Nu validator (java -jar vnu.jar) in the test suite only
import tempfile
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from playwright.sync_api import Page, expect

AXE_JS = Path(__file__).resolve().parent / "node" / "node_modules" / "axe-core" / "axe.min.js"
#: The W3C Nu HTML validator, from the npm package vnu-jar, run with the distribution's Java.
VNU_JAR = Path(__file__).resolve().parent / "node" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: Impacts that fail a test. axe also reports "minor" and "moderate"; those are printed, not fatal.
FAILING_IMPACTS = ("serious", "critical")
PASSWORD = "e2e-Journey-pass-2026"
DISPLAY_NAME = "試験 太郎"

ROLE_LABELS = {
    "candidate": "個人（人材として登録）",
    "member": "団体の担当者（募集を掲載）",
}


# --- accessibility -----------------------------------------------------------------------
def _mark_document(page: Page) -> None:
    log = getattr(page, "_e2e_documents", None)
    if log is None:
        return
    doc_id = page.evaluate("() => window.__e2eDocumentId || null")
    if doc_id:
        with log.lock:
            log.checked.add(doc_id)


def _collect_html(page: Page) -> None:
    """Keep the current document's HTML, as the server sent it, for the Nu validator.

    The page fixture validates everything collected in one run of vnu.jar when the test ends (one
    JVM start per test, not per page). The served bytes are checked, not the DOM after scripts ran;
    the DOM serialisation is the fallback when the browser no longer holds the response body.
    """
    log = getattr(page, "_e2e_documents", None)
    if log is None:
        return
    doc_id = page.evaluate("() => window.__e2eDocumentId || null")
    if not doc_id or doc_id in log.html:
        return
    html = None
    response = log.last_document
    if response is not None and response.url.split("#")[0] == page.url.split("#")[0]:
        if "html" not in (response.headers.get("content-type") or ""):
            return  # not an HTML document (a download, JSON shown by the browser)
        try:
            html = response.body().decode("utf-8")
        except Exception:  # noqa: BLE001 - body evicted by the browser: use the DOM
            html = None
    if html is None:
        html = page.content()
    with log.lock:
        log.html[doc_id] = (page.url, html)


def validate_html(documents: list[tuple[str, str]]) -> list[str]:
    """Run the Nu validator over ``(url, html)`` pairs; one line per error, ``[]`` when all are valid."""
    if not documents:
        return []
    if not VNU_JAR.exists():
        raise AssertionError(f"{VNU_JAR} is missing: run `make e2e-deps`")
    java = shutil.which("java")
    if java is None:
        raise AssertionError("java not found: run `make e2e-deps` (apt-get install openjdk-17-jre-headless)")
    with tempfile.TemporaryDirectory(prefix="e2e-vnu-") as tmp:
        files: dict[str, str] = {}  # file name -> the page's URL
        for number, (url, html) in enumerate(documents):
            path = Path(tmp) / f"page-{number:03d}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = url
        completed = subprocess.run(  # nosec B603 - fixed arguments, no shell
            [java, "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout",
             "--exit-zero-always", *(str(Path(tmp) / name) for name in files)],
            capture_output=True, text=True, timeout=300, check=False,
        )
        try:
            report = json.loads(completed.stdout or "{}")
        except json.JSONDecodeError as exc:
            raise AssertionError(f"the Nu validator did not answer JSON: {completed.stdout[:500]}"
                                 f"{completed.stderr[:500]}") from exc
    errors = []
    for message in report.get("messages", []):
        if message.get("type") not in ("error", "non-document-error"):
            continue
        uri = message.get("url", "")
        url = files.get(uri.rsplit("/", 1)[-1], uri)
        where = f"line {message.get('lastLine', '?')}"
        extract = (message.get("extract") or "").replace("\n", " ").strip()
        line = f"{url} ({where}): {message.get('message')}\n      {extract[:160]}"
        if line not in errors:  # a page visited twice reports its errors once
            errors.append(line)
    return errors


def check_a11y(page: Page, *, failing_impacts: tuple[str, ...] = FAILING_IMPACTS,
               disable_rules: tuple[str, ...] = ()) -> list[dict]:
    """Run axe-core on the current page; fail on any violation of a failing impact.

    The page's HTML is also kept for the Nu validator, which the page fixture runs when the test
    ends (every checked page must be valid HTML).

    Returns every violation found (including minor/moderate ones) for tests that want more.
    """
    if not AXE_JS.exists():
        raise AssertionError(f"{AXE_JS} is missing: run `make e2e-deps`")
    page.wait_for_load_state("load")
    _collect_html(page)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    options: dict = {"resultTypes": ["violations"]}
    if disable_rules:
        options["rules"] = {rule: {"enabled": False} for rule in disable_rules}
    violations = page.evaluate("(options) => axe.run(document, options).then(r => r.violations)", options)
    _mark_document(page)
    failing = [v for v in violations if v.get("impact") in failing_impacts]
    if failing:
        raise AssertionError(format_violations(page.url, failing))
    return violations


def a11y_exempt(page: Page, reason: str) -> None:
    """Waive the accessibility check for the current document (e.g. a raw JSON response)."""
    assert reason, "say why this page is exempt"
    page.wait_for_load_state("load")
    _mark_document(page)


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for v in violations:
        lines.append(f"  [{v.get('impact')}] {v['id']}: {v['help']}")
        lines.append(f"      {v.get('helpUrl', '')}")
        for node in v.get("nodes", [])[:10]:
            lines.append(f"      at {' '.join(map(str, node.get('target', [])))}")
            lines.append(f"         {node.get('html', '')[:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n           ")
            if summary:
                lines.append(f"           {summary}")
        if len(v.get("nodes", [])) > 10:
            lines.append(f"      … and {len(v['nodes']) - 10} more element(s)")
    return "\n".join(lines)


def goto(page: Page, path: str) -> None:
    """Open a page (a path relative to the live server) and check its accessibility."""
    page.goto(path)
    check_a11y(page)


# --- mail --------------------------------------------------------------------------------
def wait_for_mail(inbox, address: str, *, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
    """The messages to ``address``, waiting until at least ``count`` have arrived."""
    deadline = time.monotonic() + timeout
    while True:
        messages = inbox.to(address)
        if len(messages) >= count:
            return messages
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {count} message(s) to {address}, got {len(messages)} in {timeout}s")
        time.sleep(0.05)


def mail_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None, "the message has no text/plain part"
    return body.get_content()


def link_in(message: EmailMessage, path_fragment: str) -> str:
    """The first URL in the message whose path contains ``path_fragment`` (e.g. ``/auth/verify/``)."""
    for url in re.findall(r"https?://[^\s<>\"]+", mail_text(message)):
        if path_fragment in url:
            return url
    raise AssertionError(f"no link containing {path_fragment!r} in:\n{mail_text(message)}")


# --- accounts ----------------------------------------------------------------------------
@dataclass
class NewOrganisation:
    """What an organisation member fills in when registering; select fields by visible label."""

    name: str
    kind: str  # 団体の種類, e.g. "市区町村"
    prefecture: str  # 所在都道府県, e.g. "高知県"
    municipality: str | None = None  # 所在市区町村, e.g. "高知市" (offered after the JS fetch)


def fill_organisation(page: Page, org: NewOrganisation) -> None:
    # The organisation fields are shown once an organisation role is chosen.
    page.locator('input[name="role"]:not([value="candidate"])').first.check()
    page.get_by_label("団体名", exact=True).fill(org.name)
    page.get_by_label("団体の種類", exact=True).select_option(label=org.kind)
    municipality = page.get_by_label("所在市区町村（任意）", exact=True)
    if org.municipality:
        # The municipality list is narrowed by a fetch once the prefecture changes.
        with page.expect_response(lambda r: "/reference/municipalities" in r.url and r.ok):
            page.get_by_label("所在都道府県", exact=True).select_option(label=org.prefecture)
        expect(municipality.locator("option", has_text=org.municipality).first).to_be_attached()
        municipality.select_option(label=org.municipality)
    else:
        page.get_by_label("所在都道府県", exact=True).select_option(label=org.prefecture)


def register(page: Page, email: str, role: str = "candidate", *, password: str = PASSWORD,
             display_name: str = DISPLAY_NAME, organisation: NewOrganisation | None = None) -> None:
    """Fill in and send the registration form; ends on the "check your mail" page."""
    goto(page, "/auth/register")
    page.get_by_label(ROLE_LABELS[role], exact=True).check()
    page.get_by_label("メールアドレス", exact=True).fill(email)
    page.get_by_label("表示名", exact=True).fill(display_name)
    page.get_by_label("パスワード", exact=True).fill(password)
    page.get_by_label("パスワード（確認）", exact=True).fill(password)
    if organisation is not None:
        fill_organisation(page, organisation)
    check_a11y(page)  # the filled-in form, with whatever the script added
    with page.expect_navigation():
        page.get_by_role("button", name="登録する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("メールを確認してください")
    check_a11y(page)


def verify_email(page: Page, inbox, email: str) -> None:
    """Open the link of the latest verification mail to ``email`` in the browser."""
    message = wait_for_mail(inbox, email)[-1]
    page.goto(link_in(message, "/auth/verify/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("メールアドレスを確認しました")
    check_a11y(page)


def register_and_verify(page: Page, inbox, email: str, role: str = "candidate", *, password: str = PASSWORD,
                        display_name: str = DISPLAY_NAME, organisation: NewOrganisation | None = None) -> None:
    """Register through the form and follow the emailed verification link."""
    register(page, email, role, password=password, display_name=display_name, organisation=organisation)
    verify_email(page, inbox, email)


def submit_login(page: Page, email: str, password: str) -> None:
    """Open the login page, send the form, check the page that answers (success or not)."""
    goto(page, "/auth/login")
    page.get_by_label("メールアドレス", exact=True).fill(email)
    page.get_by_label("パスワード", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()
    check_a11y(page)


def enter_totp_code(page: Page, secret: str) -> None:
    """On the second login step, type the authenticator app's current code for ``secret``."""
    import pyotp

    expect(page).to_have_url(re.compile(r"/auth/login/code"))
    page.get_by_label("確認コード", exact=True).fill(pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.get_by_role("button", name="確認してログイン").click()
    check_a11y(page)


def login(page: Page, email: str, password: str = PASSWORD, *, totp_secret: str | None = None) -> None:
    """Log in and make sure it worked (the login form is gone).

    Coordinators and admins give a one-time code too: pass their ``totp_secret`` (e.g.
    ``enrol_second_factor`` of tests.conftest, or the demo's ``DEMO_TOTP_SECRET``).
    """
    submit_login(page, email, password)
    if totp_secret is not None:
        enter_totp_code(page, totp_secret)
    expect(page).not_to_have_url(re.compile(r"/auth/login"))
    open_menu(page)
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()


def open_menu(page: Page) -> None:
    """On a narrow screen the header menu is folded behind 「メニュー」: unfold it (no-op when wide)."""
    toggle = page.locator("label.menu-toggle-label")
    if toggle.count() and toggle.is_visible() and not page.locator("#site-menu-toggle").is_checked():
        toggle.click()
        expect(page.locator("#site-menu")).to_be_visible()


def switch_language(page: Page, to: str) -> None:
    """Press the language switch in the nav ("English" or "日本語")."""
    open_menu(page)
    nav = page.get_by_role("navigation")
    with page.expect_navigation():
        nav.get_by_role("button", name=to, exact=True).click()
    check_a11y(page)
