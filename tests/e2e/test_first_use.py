"""First use (issue #15), lived by each kind of user, at 1280 px and on a 390 px phone:

* a new candidate registers on the live server's own port (mail links derived from PORT, as with
  ``make run``), follows the mailed link, builds a profile in the form (a second career row added and
  removed in place), joins the accelerator
  scheme while not yet eligible and is told why no suggestion will come; once eligible, marks the
  suggestion 関心あり, finds it under 紹介とやり取り and 関心ありにした提案 and withdraws it after a
  confirmation; the coordinator's queue shows it as withdrawn;
* a firm writes an anonymous succession case with a detail that links it to its own named posting; the
  form and the reviewer's page flag it; once published the case shows the prefecture only;
* a coordinator sees the counts on the home page, reviews and approves a suggestion, and finds the
  past-due follow-up in the overdue list.

At 390 px every key page is checked for horizontal scrolling, and the first screen of /postings must
show results. Screenshots of the key pages go to ``test-results/first-use/<page>-<width>.png``.
"""
from __future__ import annotations

import re
import time
import uuid
from datetime import date, timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RESULTS_DIR
from tests.e2e.helpers import PASSWORD, check_a11y, goto, login, open_menu, register_and_verify
from tests.e2e.test_pipeline_journey import KOCHI, _give_profile_and_suggest, _staff_login, kochi  # noqa: F401

SHOTS = RESULTS_DIR / "first-use"
PHONE_WIDTH = 390


@pytest.fixture(params=[1280, PHONE_WIDTH], ids=["1280px", "390px"])
def width(request, page: Page) -> int:
    """The journey's screen width: a desktop and a phone (390 × 844, an iPhone 12–15)."""
    page.set_viewport_size({"width": request.param, "height": 900 if request.param > 600 else 844})
    return request.param


def key_page(page: Page, name: str) -> None:
    """A key page of the journey: no horizontal scrolling on a phone, and a screenshot."""
    size = page.viewport_size or {"width": 0}
    if size["width"] <= PHONE_WIDTH:
        overflow = page.evaluate("""() => {
            const root = document.documentElement;
            if (root.scrollWidth <= root.clientWidth) return null;
            const wide = [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
                .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
            return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide};
        }""")
        assert overflow is None, f"{page.url} scrolls sideways at {size['width']} px: {overflow}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{size['width']}.png"), full_page=True)


def click(page: Page, locator) -> None:
    """Follow a link or press a submit button, then check the page it leads to."""
    with page.expect_navigation():
        locator.click()
    check_a11y(page)


def logout(page: Page) -> None:
    open_menu(page)
    click(page, page.get_by_role("navigation").get_by_role("button", name="ログアウト"))


def results_on_first_screen(page: Page) -> None:
    """/postings: the first result starts within the first screen (the filters are folded away)."""
    goto(page, "/postings")
    first = page.locator("li.posting-card").first
    expect(first).to_be_visible()
    top = first.bounding_box()["y"]
    height = page.viewport_size["height"]
    assert top < height - 40, f"the first result starts at {top:.0f} px, below the first screen ({height} px)"
    key_page(page, "postings")


def home_count(page: Page, label: str) -> int:
    """A count of the coordinator's home page, e.g. ``home_count(page, "審査待ちの提案")``."""
    text = home_link(page, label).locator("strong").inner_text()
    return int(re.sub(r"\D", "", text))


def home_link(page: Page, label: str):
    """The link of one of the coordinator's home counts (「審査待ちの提案: 2件」)."""
    return page.get_by_role("link", name=re.compile(f"^{label}[^:]*: "))


def _wait_for_match(live_server, email: str, posting_id: int) -> int:
    """The live server's matcher suggests the posting to the candidate (after a profile change)."""
    from marketplace.extensions import db
    from marketplace.models import CandidateProfile, Match, User

    with live_server.app.app_context():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            db.session.rollback()
            match_id = db.session.scalar(
                db.select(Match.id).join(CandidateProfile, CandidateProfile.id == Match.candidate_profile_id)
                .join(User, User.id == CandidateProfile.user_id)
                .where(User.email == email, Match.posting_id == posting_id))
            if match_id is not None:
                return match_id
            time.sleep(0.2)
    raise AssertionError("the engine should suggest this posting once the candidate is eligible")


# --- the candidate ------------------------------------------------------------------------
def test_a_new_candidate_builds_a_profile_joins_while_ineligible_and_withdraws_interest(
        page: Page, width: int, live_server, inbox, unique_email, kochi) -> None:  # noqa: F811
    title = str(kochi["title"])
    email = unique_email("firstuse")
    goto(page, "/")
    key_page(page, "home")
    results_on_first_screen(page)
    register_and_verify(page, inbox, email, display_name="初回 利用子")  # the mailed link, in the browser
    key_page(page, "email-verified")
    login(page, email)
    key_page(page, "dashboard-new")

    # The profile, in the form.
    click(page, page.get_by_role("link", name="プロフィールを編集"))
    page.get_by_label("お住まいの都道府県").select_option(label="高知県")
    page.get_by_role("group", name="働ける・移住できる都道府県").get_by_role("group", name="四国").get_by_label(
        "高知県").check()
    page.get_by_role("group", name="リモートワークの希望").get_by_label("どちらでもよい").check()
    page.get_by_label("月に使える時間").fill("60")
    page.get_by_role("group", name="受けられる働き方").get_by_label("非常勤", exact=True).check()
    page.get_by_label("スキル（読点またはカンマ区切り）").fill("自治体DX、BPR、ゆず")
    page.get_by_label("自己紹介", exact=True).fill(
        "ゆず農園の多い町村で自治体DXの推進計画づくりと業務改革（BPR）を支援してきました。")
    first = page.get_by_role("group", name="職歴 1")
    first.get_by_label("勤務先").fill("株式会社サンプル")
    first.get_by_label("年数").fill("2")
    # A second career row comes in place, without a save first (career-rows.js), and goes again.
    page.get_by_role("button", name="職歴の欄を増やす").click()
    second = page.get_by_role("group", name="職歴 2")
    expect(second.get_by_label("勤務先")).to_be_focused()
    second.get_by_label("勤務先").fill("高知県庁")
    expect(first.get_by_label("勤務先")).to_have_value("株式会社サンプル")
    key_page(page, "profile-form-two-careers")
    second.get_by_role("button", name=re.compile("この職歴を削除")).click()
    expect(page.get_by_role("group", name="職歴 2")).to_have_count(0)
    expect(first.get_by_label("勤務先")).to_have_value("株式会社サンプル")
    check_a11y(page)
    key_page(page, "profile-form")
    click(page, page.get_by_role("button", name="プロフィールを保存"))
    expect(page.get_by_text("プロフィールを保存しました。")).to_be_visible()

    # The join form states the rule before anything is typed.
    goto(page, "/candidates/schemes/accelerator")
    expect(page.locator("#eligibility-rule")).to_contain_text("実務経験が5年以上、またはIPA高度試験")
    key_page(page, "accelerator-join-form")
    page.get_by_label("デジタル分野の実務経験（年）").fill("2")
    page.get_by_role("group", name="受けられる任用形態").get_by_label("非常勤", exact=True).check()
    click(page, page.get_by_role("button", name="この制度に参加する／更新する"))
    warning = page.locator(".flash-warning")
    expect(warning).to_contain_text("参加しましたが")
    expect(warning).to_contain_text("現在：実務経験2年、IPA高度試験の合格なし")
    # The dashboard keeps saying it once the message is gone.
    expect(page.locator(".card", has_text="自治体DXアクセラレータ").locator(".notice")).to_contain_text(
        "募集は提案されません")
    key_page(page, "dashboard-ineligible")

    # With 9 years (the candidate had miscounted) the engine suggests the Kochi position.
    goto(page, "/candidates/schemes/accelerator")
    page.get_by_label("デジタル分野の実務経験（年）").fill("9")
    click(page, page.get_by_role("button", name="この制度に参加する／更新する"))
    expect(page.get_by_text("「自治体DXアクセラレータ」に参加しました。")).to_be_visible()
    match_id = _wait_for_match(live_server, email, int(kochi["posting_id"]))
    goto(page, "/candidates/")
    card = page.locator("li.card", has_text=title)
    key_page(page, "dashboard-suggestion")
    click(page, card.get_by_role("button", name=re.compile("関心あり")))

    # 紹介とやり取り says the interest is being reviewed, not 「まだ紹介はありません」.
    goto(page, "/matches/")
    expect(page.get_by_text("まだ紹介はありません")).to_have_count(0)
    expect(page.locator(".empty-state")).to_contain_text("コーディネーターが確認しています")
    click(page, page.get_by_role("link", name="関心ありにした提案（1件）"))
    row = page.get_by_role("row", name=re.compile(re.escape(title)))
    expect(row).to_contain_text("コーディネーターの確認待ち")
    key_page(page, "my-interests")

    # Withdrawing asks first.
    click(page, row.get_by_role("link", name=re.compile("取り下げる")))
    expect(page.get_by_role("heading", level=1)).to_have_text("関心を取り下げる")
    key_page(page, "withdraw-confirmation")
    click(page, page.get_by_role("button", name="取り下げる"))
    expect(page.get_by_text("関心を取り下げました。")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(re.escape(title)))).to_contain_text("取り下げました")
    logout(page)

    # The coordinator's queue still lists it, marked as withdrawn.
    coordinator, secret = kochi["coordinator_a"]
    _staff_login(page, live_server, coordinator, secret)
    goto(page, "/coordination/matches")
    queue_row = page.locator("tr", has=page.locator(f'input[value="{match_id}"]'))
    expect(queue_row).to_contain_text("関心の取り下げ")
    key_page(page, "coordinator-queue-withdrawn")
    logout(page)


# --- the firm ------------------------------------------------------------------------------
@pytest.fixture
def firm(live_server) -> dict[str, object]:
    """A verified Kochi food firm with a published, named side-job posting about its product; a
    coordinator of the succession scheme in Kochi (with the second factor)."""
    from marketplace.extensions import db
    from marketplace.models import Organisation, OrgKind, Role, utcnow
    from marketplace.accounts import operations as accounts
    from marketplace.organisations import operations as organisations
    from marketplace.postings import operations as postings

    tag = uuid.uuid4().hex[:6]
    product = f"柚香しずく{tag}"
    with live_server.app.app_context():
        # its own suffix: the guard flags the firm name's words, and ``tag`` is in the case's title
        org = Organisation(name=f"E2E土佐柚子食品株式会社 {uuid.uuid4().hex[:6]}", kind=OrgKind.FIRM, prefecture_code=KOCHI,
                           verified=True)
        db.session.add(org)
        db.session.flush()
        member = accounts.create_user(f"firm-{tag}@example.jp", PASSWORD, Role.MEMBER, display_name="柚子 社長",
                                      organisation=org, verified=True)
        coordinator = accounts.create_user(f"succession-coordinator-{tag}@example.jp", PASSWORD, Role.COORDINATOR,
                                           display_name=f"承継 担当 {tag}", verified=True)
        organisations.set_coordinator_area(None, coordinator, organisations.parse_area(("succession", "side_job"),
                                                                                       (KOCHI,)))
        coordinator.totp_secret = pyotp.random_base32()
        coordinator.totp_enabled_at = utcnow()
        named = postings.create_posting(member, org, "side_job", "project", postings.PostingData(
            title=f"ゆずポン酢「{product}」の販路開拓", description=f"当社のゆずポン酢「{product}」の首都圏での販路を広げます。",
            prefecture_code=KOCHI, municipality_code=None, remote="remote", skills=["販路開拓"], deadline=None,
            extra={"categories": ["sales_channels"], "employment_form": "side_job", "months": 3,
                   "monthly_budget_max": 50000, "hours_per_month": 20}))
        postings.submit_for_review(member, named)
        postings.approve(coordinator, named)
        db.session.commit()
        return {"tag": tag, "product": product, "name": org.name, "member": member.email,
                "coordinator": (coordinator.email, coordinator.totp_secret)}


def test_a_firm_writes_an_anonymous_case_with_a_linkable_detail(page: Page, width: int, live_server,
                                                              firm) -> None:
    tag, product = firm["tag"], firm["product"]
    title = f"創業60年の柚子加工業 後継者募集 {tag}"
    login(page, str(firm["member"]))
    click(page, page.get_by_role("link", name="募集を作成する"))
    click(page, page.get_by_role("link", name="事業承継の案件（事業者）"))
    expect(page.get_by_role("main")).to_contain_text("開示まで都道府県だけが表示されます")
    page.get_by_label("タイトル").fill(title)
    page.get_by_label("内容", exact=True).fill(
        f"地元の柚子で「{product}」を製造しています。売上高 1億2,300万円。")
    page.get_by_label("求めるスキル（読点またはカンマ区切り）").fill("経営、食品製造")
    page.get_by_role("group", name="業種").get_by_label("食品加工").check()
    page.get_by_label("求める人材").select_option(label="後継経営者")
    page.get_by_label("売上規模").select_option(label="5千万〜1億円")
    page.get_by_label("従業員数").select_option(label="6〜20人")
    page.get_by_role("group", name="引き継ぐもの").get_by_label("ブランド・屋号").check()
    page.get_by_label("引き継ぎの時期").fill("1年以内")
    page.get_by_label("事業者名の公開").select_option(label="匿名（開示の承認後に公開）")
    page.get_by_label("事業者名（非公開）").fill(str(firm["name"]))
    check_a11y(page)
    key_page(page, "succession-form")
    click(page, page.get_by_role("button", name="下書きを保存"))

    # The poster is told, before sending it for review, what links the case to the firm.
    flags = page.locator("section.anonymity-flags")
    expect(flags).to_contain_text(f"「{product}」は同じ団体の他の募集にも出てくる言葉です")
    expect(flags).to_contain_text("「1億2,300万円」は正確な数字です。「1〜3億円」のような幅のある表現にしてください。")
    key_page(page, "succession-draft-flags")
    click(page, page.get_by_role("button", name="審査に出す"))
    expect(page.locator(".notice").filter(has_text="審査中")).to_be_visible()
    logout(page)

    # The reviewer sees the same findings, above the case's content.
    coordinator, secret = firm["coordinator"]
    _staff_login(page, live_server, coordinator, secret)
    goto(page, "/coordination/")
    assert home_count(page, "審査待ちの募集") >= 1
    click(page, home_link(page, "審査待ちの募集"))
    click(page, page.get_by_role("link", name=title))
    expect(page.locator("section.anonymity-flags")).to_contain_text(f"「{product}」")
    key_page(page, "succession-review")
    click(page, page.get_by_role("button", name="承認して公開"))
    expect(page.get_by_text("募集を公開しました。")).to_be_visible()
    logout(page)

    # Published: the prefecture only, and no flags for the public.
    goto(page, "/postings?scheme=succession&q=" + tag)
    click(page, page.get_by_role("link", name=title))
    main = page.get_by_role("main")
    expect(main).to_contain_text("事業者名は非公開")
    expect(main).not_to_contain_text(str(firm["name"]))
    expect(page.locator("section.anonymity-flags")).to_have_count(0)
    key_page(page, "succession-public")


# --- the coordinator --------------------------------------------------------------------
def test_a_coordinator_reviews_a_suggestion_and_finds_the_overdue_follow_up(
        page: Page, width: int, live_server, unique_email, kochi) -> None:  # noqa: F811
    from marketplace.extensions import db
    from marketplace.models import FollowUp, Match, Role
    from marketplace.accounts import operations as accounts

    title = str(kochi["title"])
    candidate = unique_email("suggested")
    with live_server.app.app_context():
        accounts.create_user(candidate, PASSWORD, Role.CANDIDATE, display_name="候補 一郎", verified=True)
        db.session.commit()
    match_id = _give_profile_and_suggest(live_server, candidate, int(kochi["posting_id"]))

    coordinator, secret = kochi["coordinator_a"]
    _staff_login(page, live_server, coordinator, secret)
    # Other journeys share the Kochi accelerator cell: the counts are compared, not fixed.
    goto(page, "/coordination/")
    waiting, overdue = home_count(page, "審査待ちの提案"), home_count(page, "期限を過ぎた")
    assert waiting >= 1
    key_page(page, "coordinator-home")
    click(page, home_link(page, "審査待ちの提案"))
    key_page(page, "coordinator-queue")
    # (earlier journeys' candidates may be suggested for the same posting: the link of this match)
    click(page, page.locator(f'a[href="/coordination/matches/{match_id}"]').first)
    key_page(page, "coordinator-match")
    click(page, page.get_by_role("button", name="承認して紹介を打診"))
    expect(page.get_by_text("審査結果を記録しました。")).to_be_visible()

    # Months later the 3-month follow-up is past due and unanswered.
    with live_server.app.app_context():
        db.session.add(FollowUp(match_id=match_id, months=3, due_on=date.today() - timedelta(days=10)))
        db.session.commit()
        assert db.session.get(Match, match_id) is not None
    goto(page, "/coordination/")
    assert home_count(page, "期限を過ぎた") == overdue + 1
    assert home_count(page, "審査待ちの提案") == waiting - 1
    click(page, home_link(page, "期限を過ぎた"))
    table = page.get_by_role("table").filter(has_text="フォローアップ").first
    expect(table).to_contain_text(title)
    expect(table).to_contain_text("合意から3か月後の確認")
    expect(table).to_contain_text("期限切れ")
    key_page(page, "coordinator-overdue")
    logout(page)
