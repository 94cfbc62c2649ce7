"""The language switch in the navigation, in a real browser."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import check_a11y, goto, switch_language

pytestmark = pytest.mark.e2e


@pytest.mark.e2e
def test_switch_to_english_and_back(page: Page) -> None:
    goto(page, "/auth/login")
    nav = page.get_by_role("navigation")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(nav.get_by_role("link", name="ログイン", exact=True)).to_be_visible()

    switch_language(page, "English")

    expect(page).to_have_url(f"{page.url.split('/auth/')[0]}/auth/login")  # stays on the same page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav.get_by_role("link", name="Log in", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(nav.get_by_role("button", name="日本語", exact=True)).to_have_attribute("lang", "ja")

    # The choice sticks for the session.
    nav.get_by_role("link", name="Log in", exact=True).click()
    check_a11y(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    switch_language(page, "日本語")

    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(nav.get_by_role("link", name="ログイン", exact=True)).to_be_visible()
    expect(nav.get_by_role("button", name="English", exact=True)).to_be_visible()
