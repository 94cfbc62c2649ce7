"""Second factor in a real browser, and the Content-Security-Policy as a browser enforces it."""
from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import PASSWORD, check_a11y, enter_totp_code, submit_login

pytestmark = pytest.mark.e2e

# Collects the browser's CSP violation reports of the page (init scripts run outside the CSP).
_CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _make_coordinator(live_server, email: str) -> int:
    from marketplace.extensions import db
    from marketplace.models import Role
    from marketplace.accounts import operations as accounts
    from marketplace.organisations import operations as organisations

    with live_server.app.app_context():
        user = accounts.create_user(email, PASSWORD, Role.COORDINATOR, display_name="調整 次郎", verified=True)
        organisations.set_coordinator_area(None, user, organisations.parse_area(("accelerator",), ("39",)))
        db.session.commit()
        return user.id


def _forget_last_step(live_server, user_id: int) -> None:
    """Let the current code be used again (a second login within the same 30-second step)."""
    from marketplace.extensions import db
    from marketplace.models import User

    with live_server.app.app_context():
        db.session.get(User, user_id).totp_last_step = None
        db.session.commit()


def test_coordinator_enrols_an_app_keeps_recovery_codes_and_logs_in_with_a_code(
    page: Page, live_server, unique_email
) -> None:
    email = unique_email("coordinator")
    user_id = _make_coordinator(live_server, email)

    submit_login(page, email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/auth/security/two-factor/setup$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("二段階認証の設定")
    expect(page.get_by_role("img", name="認証アプリ用のQRコード")).to_be_visible()
    secret = page.locator("code.secret-text").inner_text().replace(" ", "")

    page.get_by_label("確認コード", exact=True).fill(pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.get_by_role("button", name="設定を完了する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("回復コード")
    expect(page.locator(".code-list li")).to_have_count(10)
    check_a11y(page)

    with page.expect_navigation():
        page.get_by_role("link", name="保管しました。続ける").click()
    expect(page).to_have_url(re.compile(r"/coordination/$"))
    check_a11y(page)

    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("button", name="ログアウト").click()
    check_a11y(page)
    _forget_last_step(live_server, user_id)
    submit_login(page, email, PASSWORD)
    enter_totp_code(page, secret)
    expect(page).to_have_url(re.compile(r"/coordination/$"))


def test_pages_keep_working_under_the_content_security_policy(browser, live_server) -> None:
    # A context that enforces the CSP (the shared ``page`` fixture bypasses it to inject axe).
    context = browser.new_context(base_url=live_server.url, locale="ja-JP")
    context.add_init_script(script=_CSP_RECORDER)
    page = context.new_page()
    try:
        for path in ("/", "/postings", "/auth/login", "/auth/register"):
            page.goto(path)
            page.wait_for_load_state("load")
            assert page.evaluate("() => window.__cspViolations") == [], path
        # The municipality picker (an external script using fetch) still works; the organisation
        # fields it serves are shown once the organisation role is chosen.
        page.locator('input[name="role"][value="member"]').check()
        with page.expect_response(lambda r: "/reference/municipalities" in r.url and r.ok):
            page.get_by_label("所在都道府県", exact=True).select_option(label="高知県")
        municipality = page.get_by_label("所在市区町村（任意）", exact=True)
        expect(municipality.locator("option", has_text="高知市").first).to_be_attached()
        assert page.evaluate("() => window.__cspViolations") == []
        # An inline script really is refused: the policy is enforced, not merely sent.
        page.evaluate("""() => { const s = document.createElement('script');
                                 s.textContent = 'window.__inlineRan = true'; document.body.appendChild(s); }""")
        page.wait_for_timeout(100)
        assert page.evaluate("() => window.__inlineRan === true") is False
        assert any(v.startswith("script-src") for v in page.evaluate("() => window.__cspViolations"))
    finally:
        context.close()
