"""First use, as a new candidate lives it: join the accelerator scheme while not yet eligible and be
told why no suggestion will come; then, once eligible, mark a suggestion 関心あり, find it under
紹介とやり取り and 関心ありにした提案, withdraw it after a confirmation; the coordinator's queue shows
it as withdrawn. Screenshots of the key pages go to ``test-results/first-use/``.
"""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import RESULTS_DIR
from tests.e2e.helpers import check_a11y, goto, login, register_and_verify
from tests.e2e.test_pipeline_journey import _give_profile_and_suggest, _logout, _staff_login, kochi  # noqa: F401

SHOTS = RESULTS_DIR / "first-use"


def shot(page: Page, name: str) -> None:
    """Keep a screenshot of a key page of the journey (named by the viewport width)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def test_candidate_joins_while_ineligible_then_expresses_and_withdraws_interest(
        page: Page, live_server, inbox, unique_email, kochi) -> None:  # noqa: F811
    title = str(kochi["title"])
    email = unique_email("firstuse")
    register_and_verify(page, inbox, email, display_name="初回 利用子")
    login(page, email)

    # The join form states the rule before anything is typed.
    goto(page, "/candidates/schemes/accelerator")
    rule = page.locator("#eligibility-rule")
    expect(rule).to_contain_text("実務経験が5年以上、またはIPA高度試験")
    shot(page, "accelerator-join-form")
    page.get_by_label("デジタル分野の実務経験（年）").fill("2")
    page.get_by_role("group", name="受けられる任用形態").get_by_label("非常勤", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="この制度に参加する／更新する").click()
    check_a11y(page)
    warning = page.locator(".flash-warning")
    expect(warning).to_contain_text("参加しましたが")
    expect(warning).to_contain_text("現在：実務経験2年、IPA高度試験の合格なし")
    # The dashboard keeps saying it once the message is gone.
    expect(page.locator(".card", has_text="自治体DXアクセラレータ").locator(".notice")).to_contain_text(
        "募集は提案されません")
    shot(page, "dashboard-ineligible")

    # Later the candidate has 9 years (as in the pipeline journey) and the engine suggests the posting.
    match_id = _give_profile_and_suggest(live_server, email, int(kochi["posting_id"]))
    goto(page, "/candidates/")
    card = page.locator("li.card", has_text=title)
    with page.expect_navigation():
        card.get_by_role("button", name=re.compile("関心あり")).click()
    check_a11y(page)

    # 紹介とやり取り says the interest is being reviewed, not 「まだ紹介はありません」.
    goto(page, "/matches/")
    expect(page.get_by_text("まだ紹介はありません")).to_have_count(0)
    expect(page.locator(".empty-state")).to_contain_text("コーディネーターが確認しています")
    with page.expect_navigation():
        page.get_by_role("link", name="関心ありにした提案（1件）").click()
    check_a11y(page)
    row = page.get_by_role("row", name=re.compile(re.escape(title)))
    expect(row).to_contain_text("コーディネーターの確認待ち")
    shot(page, "my-interests")

    # Withdrawing asks first.
    with page.expect_navigation():
        row.get_by_role("link", name=re.compile("取り下げる")).click()
    check_a11y(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("関心を取り下げる")
    shot(page, "withdraw-confirmation")
    with page.expect_navigation():
        page.get_by_role("button", name="取り下げる").click()
    check_a11y(page)
    expect(page.get_by_text("関心を取り下げました。")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(re.escape(title)))).to_contain_text("取り下げました")
    _logout(page)

    # The coordinator's queue still lists it, marked as withdrawn.
    coordinator, secret = kochi["coordinator_a"]
    _staff_login(page, live_server, coordinator, secret)
    goto(page, "/coordination/matches")
    queue_row = page.locator("tr", has=page.locator(f'input[value="{match_id}"]'))
    expect(queue_row).to_contain_text("関心の取り下げ")
    shot(page, "coordinator-queue")
    _logout(page)
