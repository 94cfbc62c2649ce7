"""Journeys through registration, e-mail verification and login, in a real browser."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    PASSWORD,
    NewOrganisation,
    check_a11y,
    goto,
    login,
    register_and_verify,
    submit_login,
)

pytestmark = pytest.mark.e2e


@pytest.mark.e2e
def test_candidate_registers_verifies_and_reaches_their_page(page: Page, inbox, unique_email) -> None:
    email = unique_email("candidate")
    goto(page, "/")
    register_and_verify(page, inbox, email, "candidate", display_name="候補 花子")

    page.get_by_role("link", name="ログインする").click()
    expect(page).to_have_url(f"{page.url.split('/auth/')[0]}/auth/login")
    check_a11y(page)
    login(page, email, PASSWORD)

    expect(page).to_have_url(f"{page.url.split('/candidates')[0]}/candidates/")
    expect(page.get_by_role("heading", level=1)).to_have_text("マイページ")
    expect(page.get_by_text("ようこそ、候補 花子 さん。")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="マイページ")).to_be_visible()


@pytest.mark.e2e
def test_member_registers_a_new_organisation_awaiting_verification(page: Page, inbox, unique_email) -> None:
    email = unique_email("member")
    org = NewOrganisation(name="E2E高知市役所 デジタル推進課", kind="市区町村", prefecture="高知県", municipality="高知市")
    register_and_verify(page, inbox, email, "member", organisation=org)

    login(page, email, PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text("団体のページ")
    facts = page.locator("dl.facts")
    expect(facts.locator("dd").nth(0)).to_have_text(org.name)
    expect(facts.locator("dd").nth(1)).to_have_text("高知県 高知市")
    expect(facts.locator("dd").nth(2)).to_have_text("確認待ち")


@pytest.mark.e2e
def test_wrong_password_shows_the_error_in_japanese(page: Page, inbox, unique_email) -> None:
    email = unique_email("wrongpw")
    register_and_verify(page, inbox, email, "candidate")

    submit_login(page, email, "not-the-Right-password-1")

    expect(page.get_by_text("メールアドレスまたはパスワードが正しくありません。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("ログイン")
    # The fields keep their accessible names (axe has checked the labels on this page too).
    expect(page.get_by_role("textbox", name="メールアドレス")).to_have_value(email)
    expect(page.get_by_label("パスワード", exact=True)).to_be_empty()
    expect(page.get_by_role("button", name="ログアウト")).to_have_count(0)

    # The right password still works afterwards.
    login(page, email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("マイページ")
