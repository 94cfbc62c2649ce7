"""Journeys of issue #3 ("How it will be checked"), in a real browser, with axe on every page:

* a candidate builds a full profile (career entries, qualifications, skills) and opts into two schemes,
  and the coordinator of the area finds them in the candidate list (without contact details);
* a municipality posts a challenge (startup scheme) and a prefecture posts an accelerator position; a
  coordinator approves both; half-width keywords find their full-width text through the list filters;
  the national recruitment status page lists the open position;
* a firm posts an anonymous succession case: a candidate never sees the firm's name.

Organisations register through the form and an administrator verifies them in the admin pages; only the
administrator and the coordinator are created directly (there is no sign-up for those roles).
"""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    PASSWORD,
    NewOrganisation,
    check_a11y,
    goto,
    login,
    register_and_verify,
)

pytestmark = pytest.mark.e2e

KOCHI = "39"


@pytest.fixture(autouse=True)
def _staff_without_second_factor(live_server, monkeypatch):
    """Staff sign in with a password only here: these journeys are about postings, not the second factor."""
    monkeypatch.setitem(live_server.app.config, "TOTP_REQUIRED_ROLES", "")


@pytest.fixture(scope="module")
def staff(live_server) -> dict[str, str]:
    """An administrator and a coordinator of every scheme in Kochi (e-mail addresses)."""
    from marketplace.extensions import db
    from marketplace.models import Role
    from marketplace.accounts import operations as accounts
    from marketplace.organisations import operations as organisations

    tag = uuid.uuid4().hex[:8]
    emails = {"admin": f"admin-{tag}@example.jp", "coordinator": f"coordinator-{tag}@example.jp"}
    with live_server.app.app_context():
        accounts.create_user(emails["admin"], PASSWORD, Role.ADMIN, display_name="管理 太郎", verified=True)
        coordinator = accounts.create_user(emails["coordinator"], PASSWORD, Role.COORDINATOR,
                                           display_name="高知 コーディネーター", verified=True)
        schemes = ("accelerator", "side_job", "succession", "startup", "adviser")
        organisations.set_coordinator_area(None, coordinator, organisations.parse_area(schemes, (KOCHI,)))
        db.session.commit()
    return emails


# --- steps -------------------------------------------------------------------------------
def logout(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("button", name="ログアウト").click()
    check_a11y(page)


def click_and_check(page: Page, locator) -> None:
    """Follow a link or press a submit button, then check the page it leads to."""
    with page.expect_navigation():
        locator.click()
    check_a11y(page)


def register_member(page: Page, inbox, email: str, organisation: NewOrganisation) -> None:
    register_and_verify(page, inbox, email, "member", display_name="団体 担当者", organisation=organisation)


def verify_organisations(page: Page, admin_email: str, *names: str) -> None:
    """The administrator marks the organisations as verified in the admin pages."""
    login(page, admin_email)
    for name in names:
        goto(page, "/admin/organisations?unverified=1")
        row = page.get_by_role("row").filter(has_text=name)
        click_and_check(page, row.get_by_role("button", name="確認済みにする"))
        expect(page.get_by_role("row").filter(has_text=name)).to_contain_text("確認済み")
    logout(page)


def start_posting(page: Page, member_email: str, type_label: str) -> None:
    """Sign in as the member and open the new-posting form of ``type_label``."""
    login(page, member_email)
    expect(page.get_by_role("heading", level=1)).to_have_text("団体のページ")
    expect(page.locator("dl.facts")).to_contain_text("確認済み")
    click_and_check(page, page.get_by_role("link", name="募集を作成する"))
    click_and_check(page, page.get_by_role("link", name=type_label))


def save_draft_and_submit(page: Page, title: str) -> None:
    """Save the filled form as a draft, then send it to review."""
    check_a11y(page)  # the filled-in form
    click_and_check(page, page.get_by_role("button", name="下書きを保存"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".notice").filter(has_text="下書き")).to_be_visible()
    click_and_check(page, page.get_by_role("button", name="審査に出す"))
    expect(page.locator(".notice").filter(has_text="審査中")).to_be_visible()
    logout(page)


def approve_all(page: Page, coordinator_email: str, *titles: str) -> None:
    """The coordinator of the area approves each posting from the review queue."""
    login(page, coordinator_email)
    for title in titles:
        goto(page, "/coordination/postings/review")
        click_and_check(page, page.get_by_role("link", name=title))
        expect(page.get_by_role("heading", level=1)).to_contain_text(title)
        click_and_check(page, page.get_by_role("button", name="承認して公開"))
        expect(page.get_by_text("募集を公開しました。")).to_be_visible()
        expect(page.get_by_role("link", name=title)).to_have_count(0)
    logout(page)


def search_postings(page: Page, keyword: str, selects: dict[str, str]) -> None:
    """Fill the filter form of the posting list ({field label: visible option}) and search."""
    goto(page, "/postings")
    form = page.get_by_role("search", name="募集の絞り込み")
    form.get_by_label("キーワード").fill(keyword)
    for label, option in selects.items():
        form.get_by_label(label, exact=True).select_option(label=option)
    # The folded filter panel has a button of its own (「この条件で検索」); both submit the one form.
    button = form.get_by_role("button", name="この条件で検索" if selects else "検索", exact=True)
    click_and_check(page, button)


# --- the journeys ---------------------------------------------------------------------
def test_candidate_builds_a_full_profile_and_opts_into_two_schemes(page: Page, inbox, unique_email, staff) -> None:
    email = unique_email("candidate")
    name = f"移住 希望子{uuid.uuid4().hex[:4]}"
    register_and_verify(page, inbox, email, "candidate", display_name=name)
    login(page, email)
    expect(page.get_by_role("heading", name="プロフィールの充実度")).to_be_visible()
    expect(page.locator("section.card").first).to_contain_text("職歴")  # what is missing is listed

    click_and_check(page, page.get_by_role("link", name="プロフィールを編集"))
    page.get_by_label("お住まいの都道府県").select_option(label="東京都")
    shikoku = page.get_by_role("group", name="働ける・移住できる都道府県").get_by_role("group", name="四国")
    shikoku.get_by_label("高知県").check()
    shikoku.get_by_label("愛媛県").check()
    page.get_by_role("group", name="リモートワークの希望").get_by_label("どちらでもよい").check()
    page.get_by_label("開始可能日").fill("2027-04-01")
    page.get_by_label("月に使える時間").fill("40")
    forms = page.get_by_role("group", name="受けられる働き方")
    forms.get_by_label("非常勤", exact=True).check()
    forms.get_by_label("副業・兼業（業務委託）").check()
    page.get_by_label("希望報酬の下限（月額・円）").fill("100000")
    page.get_by_label("希望報酬の上限（月額・円）").fill("400000")
    page.get_by_label("スキル（読点またはカンマ区切り）").fill("自治体DX、BPR、Python")
    exams = page.get_by_role("group", name="IPA高度試験（合格したもの）")
    exams.get_by_label("プロジェクトマネージャ", exact=True).check()
    exams.get_by_label("情報処理安全確保支援士").check()
    page.get_by_label("その他の資格").fill("中小企業診断士")
    page.get_by_label("自己紹介", exact=True).fill(
        "SIerで15年、自治体の基幹システム標準化とBPRを担当してきました。高知の市町村のDXを現場で支えたいと考えています。")
    page.get_by_label("電話番号", exact=True).fill("090-1234-5678")
    page.get_by_role("group", name="プロフィールの概要（スキル・地域・時間・参加制度）を見られる相手").get_by_label(
        "コーディネーターだけ").check()
    # per field: the name for verified organisations, the contact details only after an introduction
    page.get_by_role("group", name="お名前を見られる相手（紹介の前）").get_by_label("確認済みの団体とコーディネーター").check()
    expect(page.get_by_role("group", name="連絡先（メールアドレス・電話番号）を見られる相手（紹介の前）").get_by_label(
        "紹介が成立した相手だけ（コーディネーターにも紹介前は表示しません）")).to_be_checked()
    first = page.get_by_role("group", name="職歴 1")
    first.get_by_label("勤務先").fill("株式会社サンプルシステムズ")
    first.get_by_label("役職・担当").fill("プロジェクトマネージャー")
    first.get_by_label("年数").fill("12")
    first.get_by_label("内容").fill("自治体向け基幹系システムの標準化対応")
    check_a11y(page)
    click_and_check(page, page.get_by_role("button", name="プロフィールを保存"))
    expect(page.get_by_text("プロフィールを保存しました。")).to_be_visible()

    # A second career entry: saving offers one more empty entry.
    click_and_check(page, page.get_by_role("link", name="プロフィールを編集"))
    expect(page.get_by_role("group", name="職歴 1").get_by_label("勤務先")).to_have_value("株式会社サンプルシステムズ")
    second = page.get_by_role("group", name="職歴 2")
    second.get_by_label("勤務先").fill("○○市役所")
    second.get_by_label("役職・担当").fill("情報政策課 主査")
    second.get_by_label("年数").fill("3")
    click_and_check(page, page.get_by_role("button", name="プロフィールを保存"))

    # Two schemes, each with its own fields.
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="自治体DXアクセラレータ"))
    click_and_check(page, card.get_by_role("link", name="参加する"))
    page.get_by_label("デジタル分野の実務経験（年）").fill("15")
    page.get_by_role("group", name="合格したIPA高度試験").get_by_label("プロジェクトマネージャ", exact=True).check()
    page.get_by_role("group", name="受けられる任用形態").get_by_label("非常勤", exact=True).check()
    check_a11y(page)
    click_and_check(page, page.get_by_role("button", name="この制度に参加する／更新する"))
    expect(page.get_by_text("「自治体DXアクセラレータ」に参加しました。")).to_be_visible()

    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="副業・兼業（プロフェッショナル人材）"))
    click_and_check(page, card.get_by_role("link", name="参加する"))
    page.get_by_label("月に使える時間").fill("20")
    page.get_by_label("希望する月額報酬の下限（円）").fill("50000")
    missions = page.get_by_role("group", name="関わりたいミッション")
    missions.get_by_label("DX", exact=True).check()
    missions.get_by_label("販路拡大").check()
    page.get_by_role("group", name="受けられる契約形態").get_by_label("副業・兼業（業務委託）").check()
    check_a11y(page)
    click_and_check(page, page.get_by_role("button", name="この制度に参加する／更新する"))

    expect(page.get_by_role("progressbar", name="プロフィールの充実度")).to_have_attribute("value", "100")
    joined = page.get_by_role("listitem").filter(has_text="参加中")
    expect(joined).to_have_count(2)
    logout(page)

    # The Kochi coordinator finds the candidate (who would move to Kochi) in the area list.
    login(page, staff["coordinator"])
    click_and_check(page, page.get_by_role("link", name="担当地域の人材"))
    form = page.get_by_role("search", name="人材の絞り込み")
    form.get_by_label("キーワード").fill("ｂｐｒ")  # full-width input, half-width text
    form.get_by_label("参加している制度").select_option(label="自治体DXアクセラレータ")
    form.get_by_label("地方").select_option(label="四国")
    click_and_check(page, form.get_by_role("button", name="検索"))
    expect(page.get_by_label("地方")).to_have_value("Shikoku")
    click_and_check(page, page.get_by_role("link", name=name))
    main = page.get_by_role("main")
    expect(main).to_contain_text("株式会社サンプルシステムズ")
    expect(main).to_contain_text("○○市役所")
    expect(main).to_contain_text("プロジェクトマネージャ")
    expect(main).to_contain_text("プロフィールの概要の公開範囲コーディネーターだけ")
    # the name was chosen for verified organisations, but the profile is for coordinators only: the real reach
    expect(main).to_contain_text("お名前（表示名）の公開範囲（紹介の前）コーディネーターだけ")
    expect(main).not_to_contain_text(email)
    expect(main).not_to_contain_text("090-1234-5678")
    logout(page)


def publish_solution(live_server, tag: str) -> str:
    """A startup's published solution for multilingual tourist guides (the matching side of a challenge)."""
    from marketplace.extensions import db
    from marketplace.models import Organisation, OrgKind, Role, User
    from marketplace.accounts import operations as accounts
    from marketplace.postings import operations as postings

    title = f"AI翻訳による観光ガイドの多言語化サービス {tag}"
    with live_server.app.app_context():
        startup = Organisation(name=f"E2E多言語テック株式会社 {tag}", kind=OrgKind.STARTUP, prefecture_code="13",
                               verified=True)
        db.session.add(startup)
        db.session.flush()
        member = accounts.create_user(f"startup-{tag}@example.jp", PASSWORD, Role.MEMBER, display_name="起業 担当者",
                                      organisation=startup, verified=True)
        data = postings.PostingData(
            title=title, description="観光ガイドや案内表示をAI翻訳で多言語化し、外国人観光客の観光DXを支援します。",
            prefecture_code="13", municipality_code=None, remote="remote", skills=["多言語対応", "観光DX", "AI翻訳"],
            deadline=None, extra={"categories": ["tourism_culture"], "exits": ["joint_development", "procurement"],
                                  "regions_served": "全国"})
        posting = postings.create_posting(member, startup, "startup", "solution", data)
        postings.submit_for_review(member, posting)
        admin = db.session.scalar(db.select(User).where(User.role == Role.ADMIN).limit(1))
        postings.approve(admin, posting)
        db.session.commit()
    return title


def test_challenge_and_position_are_reviewed_published_and_found(page: Page, inbox, unique_email, staff,
                                                                 live_server) -> None:
    tag = uuid.uuid4().hex[:6]
    solution = publish_solution(live_server, uuid.uuid4().hex[:6])  # its own tag: the lists below count by ``tag``
    town = NewOrganisation(name=f"E2E四万十町 企画課 {tag}", kind="市区町村", prefecture="高知県")
    prefecture = NewOrganisation(name=f"E2E高知県 デジタル政策課 {tag}", kind="都道府県", prefecture="高知県")
    town_email, prefecture_email = unique_email("town"), unique_email("prefecture")
    register_member(page, inbox, town_email, town)
    register_member(page, inbox, prefecture_email, prefecture)
    verify_organisations(page, staff["admin"], town.name, prefecture.name)

    challenge = f"ＤＸで観光ガイドを多言語化したい {tag}"
    start_posting(page, town_email, "地域課題（自治体）")
    page.get_by_label("タイトル").fill(challenge)
    page.get_by_label("内容", exact=True).fill("外国人観光客向けの観光ガイドを、ＡＩ翻訳で多言語化する仕組みを探しています。")
    page.get_by_label("働き方").select_option(label="一部リモート")
    page.get_by_label("求めるスキル（読点またはカンマ区切り）").fill("多言語対応、観光DX")
    page.get_by_role("group", name="分野").get_by_label("観光・文化・スポーツ").check()
    page.get_by_label("担当部署").fill("企画課")
    page.get_by_label("望む出口").select_option(label="共同開発・実証実験")
    page.get_by_label("予算の状況").select_option(label="予算要求中")
    page.get_by_label("スケジュール").fill("令和9年度に実証")
    page.get_by_label("実証に提供できるフィールド").fill("町内の観光案内所3か所")
    save_draft_and_submit(page, challenge)

    position = f"高知県 自治体DXアクセラレータ募集 {tag}"
    start_posting(page, prefecture_email, "アクセラレータの募集（都道府県）")
    page.get_by_label("タイトル").fill(position)
    page.get_by_label("内容", exact=True).fill("県内市町村のDX推進計画の策定とBPRを支援していただきます。")
    page.get_by_label("働き方").select_option(label="一部リモート")
    page.get_by_label("募集締切日").fill("2027-03-31")
    page.get_by_label("募集人数").fill("3")
    page.get_by_label("任用形態").select_option(label="非常勤")
    page.get_by_label("担当エリア").fill("幡多ブロック")
    page.get_by_role("group", name="支援業務").get_by_label("DX推進計画の策定").check()
    page.get_by_role("group", name="重点テーマ").get_by_label("フロントヤード改革").check()
    page.get_by_label("募集開始日").fill("2026-12-01")
    page.get_by_label("勤務条件・待遇").fill("週2日、テレワーク可")
    page.get_by_label("公式の応募ページ（URL）").fill("https://www.pref.kochi.lg.jp/")
    save_draft_and_submit(page, position)

    # Nothing is public before the review.
    goto(page, "/postings?q=" + tag)
    expect(page.get_by_text("0件の募集")).to_be_visible()
    expect(page.locator(".empty-state")).to_contain_text("条件をクリアして、すべての募集を見る")

    approve_all(page, staff["coordinator"], challenge, position)

    # Half-width katakana finds full-width text, through the filter controls; the filters stay filled in.
    search_postings(page, f"ｶﾞｲﾄﾞ {tag}", {"制度": "官民連携（スタートアップ）", "地方": "四国",
                                          "分野・テーマ": "観光・文化・スポーツ"})
    expect(page.get_by_text("1件の募集")).to_be_visible()
    expect(page.get_by_role("link", name=challenge)).to_be_visible()
    expect(page.get_by_label("キーワード")).to_have_value(f"ｶﾞｲﾄﾞ {tag}")
    expect(page.get_by_label("分野・テーマ")).to_have_value("tourism_culture")
    search_postings(page, f"dx {tag}", {"都道府県": "高知県", "任用・契約の形態": "非常勤"})
    expect(page.get_by_text("1件の募集")).to_be_visible()
    click_and_check(page, page.get_by_role("link", name=position))
    expect(page.get_by_role("main")).to_contain_text("幡多ブロック")
    expect(page.get_by_role("main")).to_contain_text(prefecture.name)

    # The town sees the startup solutions the engine suggests for its challenge.
    login(page, town_email)
    goto(page, "/postings?q=" + tag)
    click_and_check(page, page.get_by_role("link", name=challenge))
    suggested = page.locator("section.subform").filter(has_text="提案された人材・解決策")
    expect(suggested.get_by_role("link", name=solution)).to_be_visible()
    logout(page)

    # The national recruitment status lists the open Kochi position.
    goto(page, "/schemes/accelerator")
    click_and_check(page, page.get_by_role("link", name="全国採用状況一覧"))
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="高知県"))
    expect(row).to_contain_text(position)
    expect(row).to_contain_text("非常勤")
    expect(row.get_by_role("link", name="公式ページ").first).to_have_attribute("href", re.compile(r"^https://"))


def test_succession_case_keeps_the_firm_name_hidden_from_candidates(page: Page, inbox, unique_email, staff) -> None:
    tag = uuid.uuid4().hex[:6]
    firm = NewOrganisation(name=f"E2E土佐柚子加工株式会社 {tag}", kind="地域企業", prefecture="高知県")
    secret_name = f"有限会社ひみつ柚子 {tag}"
    firm_email = unique_email("firm")
    register_member(page, inbox, firm_email, firm)
    verify_organisations(page, staff["admin"], firm.name)

    title = f"創業60年の柚子加工業 後継者募集 {tag}"
    start_posting(page, firm_email, "事業承継の案件（事業者）")
    page.get_by_label("タイトル").fill(title)
    page.get_by_label("内容", exact=True).fill("地元の柚子を使ったポン酢とジュースを製造しています。")
    page.get_by_label("求めるスキル（読点またはカンマ区切り）").fill("経営、食品製造")
    page.get_by_role("group", name="業種").get_by_label("食品加工").check()
    page.get_by_label("求める人材").select_option(label="後継経営者")
    page.get_by_label("売上規模").select_option(label="5千万〜1億円")
    page.get_by_label("従業員数").select_option(label="6〜20人")
    handover = page.get_by_role("group", name="引き継ぐもの")
    handover.get_by_label("顧客").check()
    handover.get_by_label("ブランド・屋号").check()
    page.get_by_label("引き継ぎの時期").fill("1年以内")
    page.get_by_label("事業者名の公開").select_option(label="匿名（開示の承認後に公開）")
    page.get_by_label("事業者名（非公開）").fill(secret_name)
    page.get_by_label("所在地（非公開）").fill("高知県四万十町")
    page.get_by_label("財務の概要（非公開）").fill("直近3期黒字")
    save_draft_and_submit(page, title)
    approve_all(page, staff["coordinator"], title)

    candidate_email = unique_email("successor")
    register_and_verify(page, inbox, candidate_email, "candidate", display_name="後継 希望")
    login(page, candidate_email)
    search_postings(page, f"柚子 {tag}", {"制度": "事業承継"})
    results = page.get_by_role("main")
    expect(results.get_by_role("link", name=title)).to_be_visible()
    expect(results).to_contain_text("事業者名は非公開")
    expect(results).not_to_contain_text(firm.name)
    expect(results).not_to_contain_text(secret_name)

    click_and_check(page, results.get_by_role("link", name=title))
    main = page.get_by_role("main")
    expect(main).to_contain_text("事業者名は非公開です（開示の承認後に表示されます）")
    expect(main).to_contain_text("食品加工")
    expect(main.get_by_role("button", name="事業者名の開示を依頼する")).to_be_visible()
    content = page.content()
    assert firm.name not in content and secret_name not in content and "高知県四万十町" not in content
