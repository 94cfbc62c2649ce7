"""A match from suggestion to agreement, in the browser, as each person would live it.

A candidate registers and sees a suggestion; the Kochi coordinator (with the second factor)
reviews the queue and approves; both sides accept in their own accounts and only then see each
other's contacts; the coordinator moves the match to agreed; the dashboard and the CSV export
reflect it; a Nagano coordinator sees none of it; the English switch works on the match page.
"""
from __future__ import annotations

import re
import time
import uuid

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import PASSWORD, check_a11y, goto, login, register_and_verify, switch_language

KOCHI, NAGANO = "39", "20"
PHONE = "080-4321-9876"


@pytest.fixture
def kochi(live_server) -> dict[str, object]:
    """Kochi prefecture with a member and a published accelerator position; a coordinator each in Kochi and Nagano."""
    from marketplace.extensions import db
    from marketplace.models import Organisation, OrgKind, Role, utcnow
    from marketplace.accounts import operations as accounts
    from marketplace.organisations import operations as organisations
    from marketplace.postings import operations as postings

    tag = uuid.uuid4().hex[:8]
    world: dict[str, object] = {"tag": tag, "title": f"ゆず農園地帯の自治体DX推進 {tag}"}
    with live_server.app.app_context():
        org = Organisation(name=f"高知県 {tag}", kind=OrgKind.PREFECTURE, prefecture_code=KOCHI, verified=True)
        db.session.add(org)
        db.session.flush()
        member = accounts.create_user(f"pref-{tag}@example.jp", PASSWORD, Role.MEMBER, display_name="県 担当者",
                                      organisation=org, verified=True)
        for key, prefecture in (("coordinator_a", KOCHI), ("coordinator_b", NAGANO)):
            user = accounts.create_user(f"{key}-{tag}@example.jp", PASSWORD, Role.COORDINATOR,
                                        display_name=f"{key} {tag}", verified=True)
            organisations.set_coordinator_area(None, user, organisations.parse_area(("accelerator",), (prefecture,)))
            user.totp_secret = pyotp.random_base32()
            user.totp_enabled_at = utcnow()
            world[key] = (user.email, user.totp_secret)
        coordinator = accounts.find_user_by_email(world["coordinator_a"][0])
        data = postings.PostingData(
            title=str(world["title"]),
            description="ゆず農園の多い町村で、自治体DXの推進計画と業務改革（BPR）を支援してくれる方を募集します。",
            prefecture_code=KOCHI, municipality_code=None, remote="either", skills=["自治体DX", "BPR", "ゆず"],
            deadline=None, extra={"capacity": 1, "employment_form": "part_time", "categories": ["internal_dx"]})
        posting = postings.create_posting(member, org, "accelerator", "position", data)
        postings.submit_for_review(member, posting)
        postings.approve(coordinator, posting)
        db.session.commit()
        world.update(member=member.email, posting_id=posting.id)
    return world


def _give_profile_and_suggest(live_server, email: str, posting_id: int) -> int:
    """The candidate's profile (built in the browser in test_schemes_journeys) and the engine's run."""
    from marketplace.extensions import db
    from marketplace.models import Match, Visibility
    from marketplace.accounts import operations as accounts
    from marketplace.profiles import operations as profiles

    with live_server.app.app_context():
        user = accounts.find_user_by_email(email)
        profile = profiles.get_or_create_profile(user)
        profiles.update_profile(user, profile, profiles.ProfileData(
            display_name="四万十 花子", residence_prefecture=KOCHI, work_prefectures=[KOCHI], remote="either",
            available_from=None, hours_per_month=60, employment_forms=["part_time"], compensation_min=None,
            compensation_max=None, skills=["自治体DX", "BPR", "ゆず"], qualifications=[], other_qualifications="",
            self_intro="ゆず農園の多い町村で自治体DXの推進計画づくりと業務改革（BPR）を支援してきました。",
            phone=PHONE, visibility=Visibility.COORDINATORS, careers=[]))
        profiles.set_opt_in(user, profile, "accelerator", {"years_experience": 9, "exams": [],
                                                           "claims_equivalent": False, "employment_forms": ["part_time"]})
        db.session.commit()
        match_id = None
        deadline = time.monotonic() + 60  # the live server's matcher applies the change
        while match_id is None and time.monotonic() < deadline:
            db.session.rollback()
            match_id = db.session.scalar(db.select(Match.id).where(Match.posting_id == posting_id,
                                                                   Match.candidate_profile_id == profile.id))
            if match_id is None:
                time.sleep(0.2)
        assert match_id is not None, "the engine should suggest this candidate for this posting"
        return match_id


def _staff_login(page: Page, live_server, email: str, secret: str) -> None:
    """Log a coordinator in with their code. The site refuses a code of a time step already used,
    so when the same person logs in twice within 30 seconds the test forgets the last step (a
    person would wait for the next code)."""
    from marketplace.extensions import db
    from marketplace.accounts import operations as accounts

    with live_server.app.app_context():
        accounts.find_user_by_email(email).totp_last_step = None
        db.session.commit()
    login(page, email, totp_secret=secret)


def _logout(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="ログアウト").click()
    check_a11y(page)


def _agreed_total(page: Page) -> int:
    goto(page, "/coordination/dashboards")
    if not page.locator("#stages-table").count():
        return 0
    return page.evaluate("""() => {
        const heads = [...document.querySelectorAll('#stages-table thead th')].map(th => th.textContent.trim());
        const cells = [...document.querySelectorAll('#stages-table tfoot th, #stages-table tfoot td')];
        return Number(cells[heads.indexOf('合意')].textContent.trim());
    }""")


def test_a_match_goes_from_suggestion_to_agreement(page: Page, live_server, inbox, unique_email, kochi) -> None:
    title = str(kochi["title"])
    coordinator_a, secret_a = kochi["coordinator_a"]
    coordinator_b, secret_b = kochi["coordinator_b"]
    candidate = unique_email("candidate")

    # The candidate registers, and the engine suggests the posting.
    register_and_verify(page, inbox, candidate, display_name="四万十 花子")
    match_id = _give_profile_and_suggest(live_server, candidate, int(kochi["posting_id"]))
    login(page, candidate)
    goto(page, "/candidates/")
    card = page.locator("li.card", has_text=title)
    expect(card).to_be_visible()
    with page.expect_navigation():
        card.get_by_role("button", name=re.compile("関心あり")).click()
    check_a11y(page)
    expect(page.get_by_text("関心があることをコーディネーターに伝えました。").first).to_be_visible()
    _logout(page)

    # The Nagano coordinator sees nothing of it.
    _staff_login(page, live_server, coordinator_b, secret_b)
    goto(page, "/coordination/matches")
    expect(page.get_by_text(title)).to_have_count(0)
    response = page.goto(f"/coordination/matches/{match_id}")
    assert response is not None and response.status == 403
    check_a11y(page)
    _logout(page)

    # The Kochi coordinator reviews the queue (interest first) and approves.
    _staff_login(page, live_server, coordinator_a, secret_a)
    agreed_before = _agreed_total(page)
    goto(page, "/coordination/matches?flag=interest")
    with page.expect_navigation():
        page.get_by_role("link", name=title).click()
    check_a11y(page)
    with page.expect_navigation():
        page.get_by_role("button", name="承認して紹介を打診").click()
    check_a11y(page)
    expect(page.get_by_text("審査結果を記録しました。")).to_be_visible()
    _logout(page)

    # Each side answers in their own account; contacts appear only when both accepted.
    login(page, candidate)
    goto(page, "/candidates/")
    with page.expect_navigation():
        page.get_by_role("link", name="内容を確認する").click()
    check_a11y(page)
    expect(page.get_by_text(kochi["member"])).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("button", name="紹介を受ける").click()
    check_a11y(page)
    expect(page.get_by_text(str(kochi["member"]))).to_have_count(0)
    _logout(page)

    login(page, str(kochi["member"]))
    goto(page, f"/matches/{match_id}")
    expect(page.get_by_text(candidate)).to_have_count(0)
    expect(page.get_by_text(PHONE)).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("button", name="紹介を受ける").click()
    check_a11y(page)
    expect(page.get_by_role("link", name=candidate)).to_be_visible()
    expect(page.get_by_text(PHONE)).to_be_visible()
    page.get_by_label("メッセージ").fill("はじめまして。来週お話しできますか。")
    with page.expect_navigation():
        page.get_by_role("button", name="送信").click()
    check_a11y(page)
    _logout(page)

    login(page, candidate)
    goto(page, f"/matches/{match_id}")
    expect(page.get_by_role("link", name=str(kochi["member"]))).to_be_visible()
    expect(page.get_by_text("はじめまして。来週お話しできますか。")).to_be_visible()
    switch_language(page, "English")
    expect(page.get_by_role("heading", name="Contact details")).to_be_visible()
    switch_language(page, "日本語")
    _logout(page)

    # The coordinator moves the match to agreed; dashboard and CSV follow.
    _staff_login(page, live_server, coordinator_a, secret_a)
    for target, outcome in (("協議中", None), ("合意", "採用・任用")):
        goto(page, f"/coordination/matches/{match_id}")
        page.get_by_label("次の段階", exact=True).select_option(label=target)
        if outcome:
            page.get_by_label("結果（合意・終了のとき）", exact=True).select_option(label=outcome)
        with page.expect_navigation():
            page.get_by_role("button", name="段階を進める").click()
        check_a11y(page)
        expect(page.get_by_text("段階を更新しました。")).to_be_visible()
    assert _agreed_total(page) == agreed_before + 1
    csv_text = page.request.get("/coordination/csv/matches.csv").body().decode("utf-8-sig")
    row = next(line for line in csv_text.splitlines() if line.startswith(f"{match_id},"))
    assert "合意" in row and "採用・任用" in row
    _logout(page)

    _staff_login(page, live_server, coordinator_b, secret_b)
    csv_text = page.request.get("/coordination/csv/matches.csv").body().decode("utf-8-sig")
    assert not any(line.startswith(f"{match_id},") for line in csv_text.splitlines())
    goto(page, "/coordination/dashboards")
    cells = page.locator("#cells-table")
    assert "高知県" not in (cells.inner_text() if cells.count() else "")
