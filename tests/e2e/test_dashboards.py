"""Dashboards in a real browser: Chart.js draws every chart under the site's strict CSP, the pages pass axe,
and a prefecture's coordinator records its support structure through the form.

The data live in Okinawa (47), which no other journey uses, so the figures are known.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import PASSWORD, check_a11y, goto, login

pytestmark = pytest.mark.e2e

OKINAWA = "47"
CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('canvas[data-chart]')).map(
    c => Boolean(window.Chart && window.Chart.getChart(c)) && c.width > 0 && c.height > 0)"""


@pytest.fixture(autouse=True)
def _staff_without_second_factor(live_server, monkeypatch):
    """The coordinator signs in with a password only: these journeys are about the dashboards."""
    monkeypatch.setitem(live_server.app.config, "TOTP_REQUIRED_ROLES", "")


@pytest.fixture(scope="module")
def okinawa_coordinator(live_server) -> str:
    """A coordinator of the accelerators in Okinawa, with three matches there (one appointed)."""
    from marketplace.extensions import db
    from marketplace.models import Match, MatchStatus, Organisation, OrgKind, Posting, PostingStatus, Role
    from marketplace.accounts import operations as accounts
    from marketplace.organisations import operations as organisations

    email = f"okinawa-{uuid.uuid4().hex[:8]}@example.jp"
    with live_server.app.app_context():
        coordinator = accounts.create_user(email, PASSWORD, Role.COORDINATOR, display_name="沖縄 コーディネーター",
                                           verified=True)
        organisations.set_coordinator_area(None, coordinator, organisations.parse_area(("accelerator",), (OKINAWA,)))
        org = Organisation(name="沖縄県", kind=OrgKind.PREFECTURE, prefecture_code=OKINAWA, verified=True)
        db.session.add(org)
        db.session.flush()
        posting = Posting(organisation_id=org.id, scheme="accelerator", posting_type="position",
                          title="沖縄県のDX支援", prefecture_code=OKINAWA, status=PostingStatus.PUBLISHED)
        db.session.add(posting)
        db.session.flush()
        start = datetime.now(UTC) - timedelta(days=20)
        for n, (status, intro, agreed, appointment) in enumerate((
                (MatchStatus.SUGGESTED, None, None, None), (MatchStatus.INTRODUCED, 3, None, None),
                (MatchStatus.AGREED, 5, 12, "appointed"))):
            db.session.add(Match(
                posting_id=posting.id, scheme="accelerator", seeker_ref=f"e2e-{n}", status=status, created_at=start,
                introduced_at=start + timedelta(days=intro) if intro else None,
                agreed_at=start + timedelta(days=agreed) if agreed else None, appointment_status=appointment))
        db.session.commit()
    return email


def test_dashboard_charts_are_drawn_and_the_page_is_accessible(page: Page, okinawa_coordinator) -> None:
    login(page, okinawa_coordinator)
    goto(page, "/coordination/")
    with page.expect_navigation():
        page.get_by_role("link", name="ダッシュボード").click()
    check_a11y(page)
    expect(page.get_by_role("heading", name="ダッシュボード", level=1)).to_be_visible()
    drawn = page.evaluate(CHARTS_DRAWN)
    assert len(drawn) == 6 and all(drawn), drawn
    table = page.locator("#durations-table")
    expect(table.get_by_role("row").nth(1)).to_contain_text("4.0日")  # introduced after 3 and 5 days
    expect(table.get_by_role("row").nth(1)).to_contain_text("12.0日")


def test_support_structure_is_edited_through_the_form(page: Page, okinawa_coordinator) -> None:
    login(page, okinawa_coordinator)
    goto(page, "/coordination/support-structure")
    row = page.locator(f"#pref-{OKINAWA}")
    with page.expect_navigation():
        row.get_by_role("link", name="編集").click()
    check_a11y(page)
    for label in ("会議体", "ヒアリング", "専門人材確保", "取組テーマ設定"):
        page.get_by_label(label).check()
    page.get_by_label("備考").fill("沖縄県DX推進協議会（年4回）")
    with page.expect_navigation():
        page.get_by_role("button", name="保存する").click()
    check_a11y(page)
    expect(page.get_by_text("沖縄県の支援体制を保存しました。")).to_be_visible()
    expect(row).to_contain_text("4機能")
    assert all(page.evaluate(CHARTS_DRAWN))


def test_charts_draw_under_the_sites_content_security_policy(browser, live_server, okinawa_coordinator) -> None:
    """No bypass here: the real CSP applies, and no violation or script error may occur."""
    context = browser.new_context(base_url=live_server.url, locale="ja-JP")
    problems: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.add_init_script(script="document.addEventListener('securitypolicyviolation', "
                                    "e => console.error('CSP violation: ' + e.violatedDirective));")
        page.goto("/auth/login")
        page.get_by_label("メールアドレス", exact=True).fill(okinawa_coordinator)
        page.get_by_label("パスワード", exact=True).fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="ログイン").click()
        response = page.goto("/coordination/dashboards")
        assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        drawn = page.evaluate(CHARTS_DRAWN)
        assert len(drawn) == 6 and all(drawn), drawn
        assert problems == []
    finally:
        context.close()
