"""The anonymity guard: what links an anonymous succession case to its firm, with suggestions."""
from __future__ import annotations

from marketplace.anonymity.guard import employee_range, find_links, money_range, name_cores, shared_terms

BACKGROUND = [
    "代表者が高齢となり、親族に後継者がいないため、事業を引き継いでくださる方を探しています。",
    "常連客と取引先との関係はそのまま引き継げます。事業承継の後継者を募集します。",
    "地域の製造業で後継者を募集。引き継ぎ期間中は現経営者が並走して指導します。",
    "首都圏の量販店向け販路開拓パートナーを募集します。",
]
NAMED = "土佐ゆず本舗：ゆずポン酢「柚香しずく」の製造を引き継ぐ方を募集。高知市の工場で製造しています。"


def kinds(flags):
    return {(f.kind, f.excerpt) for f in flags}


def test_money_and_employee_ranges():
    assert money_range(123_000_000) == "1〜3億円"
    assert money_range(8_000_000) == "1,000万円未満"
    assert money_range(45_000_000) == "1,000万〜5,000万円"
    assert employee_range(12) == "6〜20名"
    assert employee_range(3) == "5名以下"


def test_exact_revenue_is_flagged_with_a_range():
    flags = find_links({"description": "売上高 1億2,300万円、従業員12名の食品メーカーです。"})
    found = {(f.excerpt, f.suggestion) for f in flags if f.kind == "figure"}
    assert ("1億2,300万円", "1〜3億円") in found
    assert ("従業員12名", "従業員6〜20名") in found


def test_full_width_digits_and_plain_yen():
    flags = find_links({"description": "年商は１２３，０００，０００円です。"})
    assert [f.suggestion for f in flags if f.kind == "figure"] == ["1〜3億円"]


def test_amounts_without_a_business_figure_context_are_not_flagged():
    flags = find_links({"description": "引き継ぎ期間中の報酬は月30万円を想定しています。"})
    assert [f for f in flags if f.kind == "figure"] == []


def test_founding_year_is_flagged_but_a_round_age_is_not():
    flags = find_links({"description": "1946年創業の酒蔵です。"})
    assert any(f.kind == "figure" and f.excerpt.startswith("1946年") for f in flags)
    assert [f for f in find_links({"title": "創業80年の酒蔵"}) if f.kind == "figure"] == []
    (flag,) = [f for f in find_links({"title": "創業83年の酒蔵"}) if f.kind == "figure"]
    assert flag.suggestion == "創業80年以上"
    assert any(f.kind == "figure" for f in find_links({"description": "昭和21年創業です。"}))


def test_contacts_and_addresses():
    text = "詳しくは https://yuzu-honpo.example.jp/ または 088-123-4567、info@yuzu.example.jp まで。〒780-0870 本町2丁目1-5"
    found = kinds(find_links({"description": text}))
    assert ("url", "https://yuzu-honpo.example.jp/") in found
    assert ("phone", "088-123-4567") in found
    assert ("email", "info@yuzu.example.jp") in found
    assert any(k == "address" and "780-0870" in e for k, e in found)
    assert any(k == "address" and "2丁目" in e for k, e in found)


def test_firm_name_and_its_core_and_person_names():
    assert name_cores("土佐酒造株式会社 本店")[-1] == "土佐酒造"
    flags = find_links({"description": "土佐酒造の杜氏と、代表の山田太郎氏が指導します。"},
                       firm_names=["土佐酒造株式会社 本店"])
    found = kinds(flags)
    assert ("name", "土佐酒造") in found
    assert any(k == "name" and "山田太郎" in e for k, e in found)


def test_city_is_flagged_with_the_region_instead():
    flags = find_links({"description": "高知市の中心部にある店舗です。"}, place_names=["高知市"], region="高知県")
    assert [(f.kind, f.excerpt, f.suggestion) for f in flags] == [("place", "高知市", "高知県")]


def test_words_shared_with_the_firms_named_posting():
    case = "創業80年、ゆずポン酢「柚香しずく」を製造する食品メーカーの後継者を募集します。"
    terms = shared_terms(case, [NAMED], BACKGROUND)
    assert "柚香" in "".join(terms) or any("柚香" in t for t in terms)
    flags = find_links({"description": case}, own_texts=[NAMED], background=BACKGROUND)
    shared = [f.excerpt for f in flags if f.kind == "shared_words"]
    assert any("柚香" in t for t in shared)
    assert any("ゆずポン酢" in t or "ポン酢" in t for t in shared)
    # Words every succession case uses are not distinctive.
    assert not any("後継者" == t or "募集" in t for t in shared)


def test_common_words_in_the_background_are_not_flagged():
    own = ["首都圏の量販店向け販路開拓パートナーを募集します。"]
    case = "首都圏の量販店にも販路があります。"
    background = BACKGROUND + ["首都圏の量販店と取引のある企業です。"] * 3
    assert shared_terms(case, own, background) == []


def test_a_clean_case_has_no_flags():
    case = {"title": "【高知県・匿名】創業80年の食品製造業（製造業）",
            "description": "代表者が高齢となり、親族に後継者がいないため、事業を引き継いでくださる方を探しています。"}
    assert find_links(case, firm_names=["土佐ゆず本舗"], own_texts=[NAMED], background=BACKGROUND,
                      place_names=["高知市"], region="高知県") == []
