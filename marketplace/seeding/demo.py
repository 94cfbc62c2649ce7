"""Deterministic demo content for ``flask seed demo`` (idempotent).

Creates the named demo accounts (admin, coordinators, one member per sample organisation, one
candidate), then realistic Japanese content for every scheme: about 60 organisations with one
member each, 220 candidates with full profiles and scheme opt-ins, and about 100 postings in more
than 20 prefectures, most of them published through the normal review lifecycle.

Everything is planned from ``random.Random(2026)`` before the database is touched, so two fresh
databases get the same content. Running it again creates nothing: organisations are found by
name, users by email (generated candidates are ``demo-candidate-001@example.jp`` …) and postings by
organisation and title. Dates (availability, deadlines) are relative to the day the command runs,
so that published postings do not expire straight away.
"""
from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from marketplace.extensions import db
from marketplace.models import (
    CandidateProfile,
    CloseReason,
    Municipality,
    Organisation,
    OrgKind,
    Posting,
    PostingStatus,
    Prefecture,
    Role,
    User,
    Visibility,
    utcnow,
)
from marketplace.accounts import operations as accounts, two_factor
from marketplace.organisations import operations as organisations
from marketplace.postings import operations as postings
from marketplace.profiles import operations as profiles
from marketplace.accounts.passwords import hash_password
from marketplace.seeding.reference import load_prefectures, load_reference

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "demo-Pass-2026"  # nosec B105 # demo accounts only; seeding refuses production
#: TOTP secret of the demo coordinators and admin (demo only: real accounts enrol their own app).
DEMO_TOTP_SECRET = "DEMOTOTPSECRETFORLOCALTRIALS2345"  # nosec B105 # demo accounts only; seeding refuses production
SEED = 2026
CANDIDATE_COUNT = 220
CANDIDATE_EMAIL = "demo-candidate-{:03d}@example.jp"
ORG_MEMBER_EMAIL = "demo-{key}@example.jp"

#: (name, kind, prefecture, municipality, verified)
DEMO_ORGANISATIONS = [
    ("高知県 デジタル政策課", OrgKind.PREFECTURE, "39", None, True),
    ("四万十町 企画課", OrgKind.MUNICIPALITY, "39", "394122", True),
    ("土佐食品加工株式会社", OrgKind.FIRM, "39", "392014", True),
    ("みちのくモビリティ株式会社", OrgKind.STARTUP, "04", None, True),
    ("長野県プロフェッショナル人材戦略拠点", OrgKind.PRO_HUB, "20", None, True),
    ("未確認の合同会社", OrgKind.FIRM, "13", None, False),
]

#: (email, role, display name, organisation index or None, coordinator area)
DEMO_USERS = [
    ("admin@example.jp", Role.ADMIN, "運営 管理者", None, None),
    ("coordinator.kochi@example.jp", Role.COORDINATOR, "高知 調整役", None,
     (("accelerator", "side_job", "succession", "startup", "adviser"), ("39",))),
    ("coordinator.nagano@example.jp", Role.COORDINATOR, "長野 調整役", None, (("side_job",), ("20",))),
    ("pref.kochi@example.jp", Role.MEMBER, "高知県 担当者", 0, None),
    ("town.shimanto@example.jp", Role.MEMBER, "四万十町 担当者", 1, None),
    ("firm.tosa@example.jp", Role.MEMBER, "土佐食品 社長", 2, None),
    ("startup.michinoku@example.jp", Role.MEMBER, "みちのく 代表", 3, None),
    ("unverified.firm@example.jp", Role.MEMBER, "未確認 担当者", 5, None),
    ("candidate@example.jp", Role.CANDIDATE, "山田 花子", None, None),
]

#: Keys under which the named organisations above take part in the generated content.
NAMED_ORG_KEYS = {"pref-39": 0, "muni-394122": 1, "firm-tosa": 2, "startup-michinoku": 3, "hub-20": 4,
                  "unverified": 5}

# --- generated organisations ---------------------------------------------------------------
#: key, name, kind, prefecture, municipality code (real 全国地方公共団体コード from seeds/)
GENERATED_ORGANISATIONS: list[tuple[str, str, OrgKind, str, str | None]] = [
    # prefectures (DX divisions building the accelerator pool)
    ("pref-01", "北海道 DX推進課", OrgKind.PREFECTURE, "01", None),
    ("pref-03", "岩手県 デジタル推進課", OrgKind.PREFECTURE, "03", None),
    ("pref-04", "宮城県 デジタル推進課", OrgKind.PREFECTURE, "04", None),
    ("pref-06", "山形県 DX推進課", OrgKind.PREFECTURE, "06", None),
    ("pref-18", "福井県 DX推進課", OrgKind.PREFECTURE, "18", None),
    ("pref-20", "長野県 DX推進課", OrgKind.PREFECTURE, "20", None),
    ("pref-22", "静岡県 デジタル戦略課", OrgKind.PREFECTURE, "22", None),
    ("pref-29", "奈良県 デジタル戦略課", OrgKind.PREFECTURE, "29", None),
    ("pref-33", "岡山県 デジタル推進課", OrgKind.PREFECTURE, "33", None),
    ("pref-34", "広島県 DX推進課", OrgKind.PREFECTURE, "34", None),
    ("pref-36", "徳島県 デジタル推進課", OrgKind.PREFECTURE, "36", None),
    ("pref-38", "愛媛県 デジタルシフト推進課", OrgKind.PREFECTURE, "38", None),
    ("pref-43", "熊本県 デジタル戦略推進課", OrgKind.PREFECTURE, "43", None),
    ("pref-44", "大分県 デジタル政策課", OrgKind.PREFECTURE, "44", None),
    ("pref-46", "鹿児島県 デジタル推進課", OrgKind.PREFECTURE, "46", None),
    # municipalities
    ("muni-014087", "余市町 子育て・健康推進課", OrgKind.MUNICIPALITY, "01", "014087"),
    ("muni-014583", "東川町 総務課", OrgKind.MUNICIPALITY, "01", "014583"),
    ("muni-032085", "遠野市 農林課", OrgKind.MUNICIPALITY, "03", "032085"),
    ("muni-042021", "石巻市 デジタル推進課", OrgKind.MUNICIPALITY, "04", "042021"),
    ("muni-042056", "気仙沼市 産業戦略課", OrgKind.MUNICIPALITY, "04", "042056"),
    ("muni-052035", "横手市 経営企画課", OrgKind.MUNICIPALITY, "05", "052035"),
    ("muni-062031", "鶴岡市 情報企画課", OrgKind.MUNICIPALITY, "06", "062031"),
    ("muni-072028", "会津若松市 スマートシティ推進室", OrgKind.MUNICIPALITY, "07", "072028"),
    ("muni-152021", "長岡市 DX推進課", OrgKind.MUNICIPALITY, "15", "152021"),
    ("muni-162108", "南砺市 企画情報課", OrgKind.MUNICIPALITY, "16", "162108"),
    ("muni-172049", "輪島市 建設部", OrgKind.MUNICIPALITY, "17", "172049"),
    ("muni-172057", "珠洲市 環境建設課", OrgKind.MUNICIPALITY, "17", "172057"),
    ("muni-182095", "越前市 教育委員会", OrgKind.MUNICIPALITY, "18", "182095"),
    ("muni-192091", "北杜市 環境課", OrgKind.MUNICIPALITY, "19", "192091"),
    ("muni-202151", "塩尻市 地域共創課", OrgKind.MUNICIPALITY, "20", "202151"),
    ("muni-202053", "飯田市 環境モデル都市推進課", OrgKind.MUNICIPALITY, "20", "202053"),
    ("muni-212032", "高山市 情報政策課", OrgKind.MUNICIPALITY, "21", "212032"),
    ("muni-222135", "掛川市 DX推進課", OrgKind.MUNICIPALITY, "22", "222135"),
    ("muni-242039", "伊勢市 情報戦略課", OrgKind.MUNICIPALITY, "24", "242039"),
    ("muni-282090", "豊岡市 観光政策課", OrgKind.MUNICIPALITY, "28", "282090"),
    ("muni-322091", "雲南市 子ども家庭支援課", OrgKind.MUNICIPALITY, "32", "322091"),
    ("muni-336432", "西粟倉村 地方創生推進室", OrgKind.MUNICIPALITY, "33", "336432"),
    ("muni-342050", "尾道市 情報政策課", OrgKind.MUNICIPALITY, "34", "342050"),
    ("muni-363421", "神山町 総務課", OrgKind.MUNICIPALITY, "36", "363421"),
    ("muni-372081", "三豊市 DX推進課", OrgKind.MUNICIPALITY, "37", "372081"),
    ("muni-382060", "西条市 デジタル推進課", OrgKind.MUNICIPALITY, "38", "382060"),
    ("muni-393631", "土佐町 総務課", OrgKind.MUNICIPALITY, "39", "393631"),
    ("muni-402303", "糸島市 環境推進課", OrgKind.MUNICIPALITY, "40", "402303"),
    ("muni-412023", "唐津市 情報政策課", OrgKind.MUNICIPALITY, "41", "412023"),
    ("muni-422118", "五島市 地域振興課", OrgKind.MUNICIPALITY, "42", "422118"),
    ("muni-432156", "天草市 DX推進課", OrgKind.MUNICIPALITY, "43", "432156"),
    ("muni-452041", "日南市 総合戦略課", OrgKind.MUNICIPALITY, "45", "452041"),
    ("muni-462225", "奄美市 高齢者福祉課", OrgKind.MUNICIPALITY, "46", "462225"),
    ("muni-472077", "石垣市 企画政策課", OrgKind.MUNICIPALITY, "47", "472077"),
    # local firms
    ("firm-01", "信州精密工業株式会社", OrgKind.FIRM, "20", "202037"),
    ("firm-02", "越後米菓株式会社", OrgKind.FIRM, "15", "152021"),
    ("firm-03", "三条打刃物製作所株式会社", OrgKind.FIRM, "15", "152048"),
    ("firm-04", "株式会社 しまなみマリンツーリズム", OrgKind.FIRM, "34", "342050"),
    ("firm-05", "株式会社 飛騨家具工房", OrgKind.FIRM, "21", "212032"),
    ("firm-06", "掛川茶園株式会社", OrgKind.FIRM, "22", "222135"),
    ("firm-07", "有限会社 南伊勢水産", OrgKind.FIRM, "24", "244724"),
    ("firm-08", "株式会社 豊岡鞄製作所", OrgKind.FIRM, "28", "282090"),
    ("firm-09", "有限会社 讃岐三豊製麺", OrgKind.FIRM, "37", "372081"),
    ("firm-10", "株式会社 糸島ファーム", OrgKind.FIRM, "40", "402303"),
    ("firm-11", "唐津焼窯元株式会社", OrgKind.FIRM, "41", "412023"),
    ("firm-12", "株式会社 天草オリーブ園", OrgKind.FIRM, "43", "432156"),
    ("firm-13", "株式会社 庄内米穀", OrgKind.FIRM, "06", "062031"),
    ("firm-14", "株式会社 奄美黒糖本舗", OrgKind.FIRM, "46", "462225"),
    ("firm-15", "南砺木工株式会社", OrgKind.FIRM, "16", "162108"),
    ("firm-16", "株式会社 会津塗工房", OrgKind.FIRM, "07", "072028"),
    # startups
    ("startup-01", "株式会社 ミライケアリンク", OrgKind.STARTUP, "13", None),
    ("startup-02", "株式会社 アクアサイクルラボ", OrgKind.STARTUP, "13", None),
    ("startup-03", "株式会社 インフラアイ", OrgKind.STARTUP, "27", None),
    ("startup-04", "株式会社 まちの声", OrgKind.STARTUP, "40", None),
    ("startup-05", "株式会社 けものみちテック", OrgKind.STARTUP, "39", None),
    ("startup-06", "株式会社 こそだてポケット", OrgKind.STARTUP, "14", None),
    ("startup-07", "株式会社 旅ログ", OrgKind.STARTUP, "26", None),
    # support centres
    ("hub-39", "高知県プロフェッショナル人材戦略拠点", OrgKind.PRO_HUB, "39", None),
    ("hub-15", "新潟県プロフェッショナル人材戦略拠点", OrgKind.PRO_HUB, "15", None),
    ("hub-43", "熊本県プロフェッショナル人材戦略拠点", OrgKind.PRO_HUB, "43", None),
    ("hr-16", "一般社団法人 地域の人事部とやま", OrgKind.HR_OPERATOR, "16", None),
    ("centre-39", "高知県事業承継・引継ぎ支援センター", OrgKind.SUCCESSION_CENTRE, "39", None),
    ("centre-20", "長野県事業承継・引継ぎ支援センター", OrgKind.SUCCESSION_CENTRE, "20", None),
    ("centre-06", "山形県事業承継・引継ぎ支援センター", OrgKind.SUCCESSION_CENTRE, "06", None),
    ("centre-46", "鹿児島県事業承継・引継ぎ支援センター", OrgKind.SUCCESSION_CENTRE, "46", None),
]

# --- Japanese labels of the choice codes (plain strings: no request locale is needed) -------
FORM_JA = {"permanent": "任期なし常勤", "fixed_term": "任期付", "part_time": "非常勤", "contract": "委託",
           "secondment": "出向", "side_job": "副業・兼業", "full_time": "常勤雇用",
           "owner_successor": "後継経営者", "right_hand": "右腕人材"}
INDUSTRY_JA = {"manufacturing": "製造業", "food_processing": "食品加工", "retail": "小売", "wholesale": "卸売",
               "construction": "建設", "restaurant": "飲食", "lodging": "宿泊・観光", "agriculture": "農林水産",
               "services": "サービス", "healthcare": "医療・介護"}
EMPLOYEES_JA = {"0_5": "従業員5人以下", "6_20": "従業員6〜20人", "21_50": "従業員21〜50人", "gt_50": "従業員51人以上"}
PROGRAMME_JA = {"dx": "DXアドバイザー", "regional_informatization": "地域情報化アドバイザー",
                "gx": "GXアドバイザー", "decarbonization": "脱炭素まちづくりアドバイザー"}
ACCELERATOR_FORM_CODES = ("permanent", "fixed_term", "part_time", "contract", "secondment")
SUPPORT_TASK_CODES = ("dx_plan", "standardisation_cloud", "bpr_procurement", "data_use", "training", "security")
FOCUS_THEME_CODES = ("joint_procurement", "front_yard", "internal_dx", "data_use", "hr_policy", "ai_use")
MISSION_CODES = ("productivity", "sales_channels", "new_business", "efficiency", "hr_system", "ec_site", "dx")
HANDOVER_CODES = ("customers", "suppliers", "premises", "knowhow", "brand", "staff")
IPA_CODES = ("ST", "SA", "PM", "NW", "DB", "ES", "SM", "AU", "SC")

# --- posting content ---------------------------------------------------------------------
#: Accelerator positions: prefecture key and the work area(s) it recruits for.
ACCELERATOR_POSITIONS = [
    ("pref-39", "県内6ブロックのうち幡多ブロック"), ("pref-39", "県内6ブロックのうち中央ブロック"),
    ("pref-01", "オホーツク・十勝地域の市町村"), ("pref-03", "沿岸広域振興局管内"), ("pref-04", "県内全域"),
    ("pref-06", "置賜・庄内地域"), ("pref-18", "嶺南地域の市町"), ("pref-20", "県内10広域のうち南信地域"),
    ("pref-22", "東部・伊豆地域"), ("pref-29", "南和地域の市町村"), ("pref-33", "県北の中山間地域"),
    ("pref-34", "県内全域（備後地域を中心に）"), ("pref-36", "県南部の町村"), ("pref-38", "南予地域の市町"),
    ("pref-43", "県内全域"), ("pref-44", "県北部の市町村"), ("pref-46", "離島地域（奄美群島を含む）"),
]
CIO_ADVISERS = ["muni-394122", "muni-393631", "muni-212032", "muni-342050", "muni-042021", "muni-152021",
                "muni-062031", "muni-412023", "muni-432156", "muni-472077", "muni-222135"]
#: Side-job projects: poster key, missions, title, expected result.
SIDE_JOB_PROJECTS = [
    ("firm-tosa", ("sales_channels",), "首都圏の量販店向け販路開拓パートナー", "首都圏の量販店・百貨店の新規取引先を3社開拓する"),
    ("firm-tosa", ("ec_site",), "ゆず加工品の自社ECサイト売上改善", "自社ECの月商を前年比150%にする施策の立案と実行支援"),
    ("firm-01", ("productivity", "dx"), "多品種少量生産の工程管理デジタル化", "生産管理システムの選定と現場への定着"),
    ("firm-01", ("hr_system",), "技能職の評価・賃金制度の見直し", "等級制度と評価シートの設計、管理職向け説明会"),
    ("firm-02", ("new_business",), "米粉を使った新商品の企画とブランド開発", "新商品2品のコンセプトと販売計画"),
    ("firm-02", ("sales_channels",), "米菓の海外輸出（台湾・香港）の販路拡大", "輸出商社の選定と現地テスト販売"),
    ("firm-03", ("ec_site", "sales_channels"), "包丁・刃物の越境EC立ち上げ", "英語版ECサイトの開設と初年度の集客計画"),
    ("firm-04", ("dx", "efficiency"), "クルーズ予約と顧客管理のクラウド化", "予約台帳のクラウド移行と問い合わせ対応の効率化"),
    ("firm-05", ("sales_channels",), "家具のBtoB（ホテル・オフィス）営業の仕組みづくり", "法人向け提案資料と営業プロセスの整備"),
    ("firm-06", ("ec_site",), "茶葉の定期便サービスの立ち上げ", "サブスクリプション型の定期便の設計と運用開始"),
    ("firm-07", ("productivity",), "水産加工場の歩留まり改善", "工程ごとのロス分析と改善計画"),
    ("firm-08", ("new_business", "sales_channels"), "鞄ブランドのリブランディング", "ブランドコンセプトの再定義と直営店の販促計画"),
    ("firm-09", ("efficiency", "dx"), "受発注・請求業務の効率化（kintone導入）", "紙とFAXの受発注をクラウドに移し、事務時間を半減する"),
    ("firm-10", ("sales_channels",), "農産物の飲食店向け直販ルートの開拓", "福岡市内の飲食店20店との取引開始"),
    ("firm-11", ("ec_site",), "唐津焼のオンライン販売とSNS発信", "Instagramと自社ECを連動させた販売の仕組み"),
    ("firm-12", ("new_business",), "オリーブ園の観光農園・体験プログラム開発", "体験メニューの開発と旅行会社への提案"),
    ("firm-13", ("hr_system",), "若手の採用と定着のための人事制度づくり", "採用計画と育成の仕組み、評価制度の素案"),
    ("firm-14", ("sales_channels", "ec_site"), "黒糖菓子のふるさと納税・EC販売強化", "返礼品ページの改善とリピート施策"),
    ("firm-15", ("productivity",), "木工工場の5S・生産性向上", "5Sの定着と段取り時間の短縮"),
    ("firm-16", ("new_business",), "伝統工芸品のインバウンド向け商品開発", "訪日客向けの新商品と販売チャネルの企画"),
    ("hub-39", ("dx",), "県内製造業（従業員30名）のDX推進責任者", "社内DXのロードマップ策定と推進体制づくり"),
    ("hub-39", ("efficiency",), "県内建設会社の経理・総務のクラウド化", "クラウド会計と勤怠管理の導入"),
    ("hub-20", ("sales_channels",), "県内ワイナリーの首都圏向け営業戦略", "首都圏の酒販店・飲食店への営業計画"),
    ("hub-20", ("productivity", "dx"), "精密部品メーカーの生産計画の最適化", "需要予測と生産計画の仕組みの見直し"),
    ("hub-15", ("hr_system",), "県内食品メーカーの管理職育成プログラム", "管理職研修の設計と実施"),
    ("hub-43", ("new_business",), "県内旅館の新規事業（ワーケーション）立ち上げ", "法人向けワーケーションプランの開発"),
    ("hr-16", ("new_business", "productivity"), "地域企業の経営幹部候補（右腕人材）インターン", "経営者と並走した新規事業の企画"),
]
#: Succession cases: poster key, municipality code, industry, what the business is, confidential name.
SUCCESSION_CASES = [
    ("centre-39", "394122", "food_processing", "四万十川の川魚・佃煮の製造販売", "有限会社 四万十川食品"),
    ("centre-39", "392014", "retail", "高知市内の老舗酒店（地酒専門）", "有限会社 中村酒店"),
    ("centre-39", "393631", "agriculture", "山間部の茶園と製茶工場", "土佐山里製茶 合同会社"),
    ("centre-20", "202053", "manufacturing", "精密板金の町工場（自動車・医療機器向け）", "株式会社 南信板金"),
    ("centre-20", "205419", "restaurant", "観光地の蕎麦店（年間来店2万人）", "手打ち蕎麦 小布施庵"),
    ("centre-20", "202037", "lodging", "温泉街の旅館（客室12室）", "有限会社 別所湯元館"),
    ("centre-06", "062031", "agriculture", "庄内の米農家と直売所", "齋藤農園"),
    ("centre-06", "064017", "construction", "地域の除雪も担う土木建設会社", "株式会社 小国建設"),
    ("centre-46", "462225", "food_processing", "島の黒糖を使った菓子製造", "有限会社 名瀬菓子店"),
    ("centre-46", "462225", "services", "離島のダイビングショップ", "奄美ブルーダイビング"),
    ("firm-tosa", "392014", "food_processing", "ゆず加工品の製造ライン（事業の一部譲渡）", "土佐食品加工株式会社"),
    ("firm-05", "212032", "manufacturing", "家具工房の製材部門", "株式会社 飛騨家具工房"),
    ("firm-09", "372081", "restaurant", "製麺所直営のうどん店", "有限会社 讃岐三豊製麺"),
    ("firm-12", "432156", "agriculture", "オリーブ園と搾油所", "株式会社 天草オリーブ園"),
    ("muni-394122", "394122", "food_processing", "町の農産物加工施設（指定管理の引き継ぎ）", "四万十町農産物加工センター"),
    ("muni-032085", "032085", "retail", "中心市街地の食料品スーパー", "有限会社 遠野ストア"),
]
#: Where the succession cases are (the confidential address names the town).
SUCCESSION_PLACES = {
    "394122": "高岡郡四万十町",
    "392014": "高知市",
    "393631": "土佐郡土佐町",
    "202053": "飯田市",
    "205419": "上高井郡小布施町",
    "202037": "上田市",
    "062031": "鶴岡市",
    "064017": "西置賜郡小国町",
    "462225": "奄美市",
    "212032": "高山市",
    "372081": "三豊市",
    "432156": "天草市",
    "032085": "遠野市",
}
#: Municipal challenges: poster key, categories, title, exit, field offered.
STARTUP_CHALLENGES = [
    ("muni-202151", ("infrastructure", "living_childcare"), "中山間地域の移動手段の確保（自動運転バスの実証）",
     "joint_development", "市内の循環バス路線（約5km）と道の駅を実証に提供できます。"),
    ("muni-014087", ("health_medical",), "妊婦健診の通院負担を減らしたい（遠隔健診）",
     "procurement", "町の保健センターと協力医療機関で試行できます。"),
    ("muni-172057", ("environment", "welfare"), "断水時にも使える手洗い・シャワー設備の確保",
     "procurement", "避難所に指定している公民館3か所で試行できます。"),
    ("muni-172049", ("infrastructure",), "被災した道路・橋梁の点検の省力化",
     "joint_development", "市道の橋梁約40橋の点検データを提供できます。"),
    ("muni-032085", ("agriculture",), "ニホンジカ・ツキノワグマの鳥獣被害対策のICT化",
     "joint_development", "被害の多い3地区の農地と猟友会の協力が得られます。"),
    ("muni-042056", ("industry_business",), "水産加工業の人手不足を省力化で補いたい",
     "joint_promotion", "市内の水産加工会社5社がヒアリングに協力します。"),
    ("muni-282090", ("tourism_culture",), "温泉街の観光客の周遊データを分析したい",
     "procurement", "観光協会のWi-Fiログと宿泊データ（匿名加工済み）を提供できます。"),
    ("muni-363421", ("public_hearing",), "住民の声を集めるオンライン広聴の仕組み",
     "joint_development", "町の総合計画の見直しで試行できます。"),
    ("muni-402303", ("environment",), "ごみ分別案内の多言語化とアプリ化",
     "procurement", "外国人住民の多い2地区で試行できます。"),
    ("muni-182095", ("childcare_education",), "不登校の児童生徒へのオンライン学習支援",
     "joint_development", "教育支援センターと市内小中学校で試行できます。"),
    ("muni-462225", ("welfare",), "離島に住む高齢者の見守り",
     "joint_promotion", "民生委員と地域包括支援センターが協力します。"),
    ("muni-322091", ("living_childcare",), "子育て関連の申請手続きをオンラインで完結させたい",
     "procurement", "子育て支援センターの窓口で利用者の声を集められます。"),
    ("pref-43", ("agriculture",), "スマート農業の普及に向けた実証フィールドの提供",
     "joint_development", "県の農業研究センターの圃場を提供できます。"),
    ("pref-36", ("infrastructure", "environment"), "ため池の水位監視の自動化",
     "joint_development", "県内のため池10か所で機器を設置できます。"),
]
#: Startup solutions: poster key, categories, exits, title, record.
STARTUP_SOLUTIONS = [
    ("startup-michinoku", ("infrastructure", "living_childcare"), ("joint_development", "procurement"),
     "地域巡回の自動運転バス運行サービス", "東北の2市町で実証運行（延べ1,200人が乗車）。"),
    ("startup-michinoku", ("living_childcare",), ("procurement",),
     "AIオンデマンド交通（乗合タクシー）", "3町で本格導入、予約の7割がアプリ経由。"),
    ("startup-01", ("health_medical",), ("procurement", "joint_promotion"),
     "モバイル胎児モニターによる遠隔妊婦健診", "北海道と九州の5自治体で導入。"),
    ("startup-02", ("environment", "welfare"), ("procurement",),
     "水を再生して使う自律分散型の手洗い・シャワースタンド", "被災地の避難所で延べ1万回以上利用。"),
    ("startup-03", ("infrastructure",), ("joint_development", "procurement"),
     "スマートフォン動画による道路・橋梁のAI点検", "政令市を含む8自治体で点検業務に採用。"),
    ("startup-04", ("public_hearing",), ("procurement", "joint_development"),
     "LINEで答える住民アンケートと広聴ダッシュボード", "12市町村で総合計画の意見募集に利用。"),
    ("startup-05", ("agriculture",), ("joint_development", "joint_promotion"),
     "獣害センサーと捕獲通知のIoTサービス", "四国の4町村で、わなの見回り負担を7割削減。"),
    ("startup-06", ("living_childcare", "childcare_education"), ("procurement",),
     "子育て手続きと施設予約のオンライン窓口", "関東の6市区で導入、電子申請率が40%向上。"),
    ("startup-07", ("tourism_culture",), ("procurement", "joint_promotion"),
     "観光客の人流データ分析ダッシュボード", "観光地の3市町と観光協会で利用。"),
    ("startup-07", ("tourism_culture", "public_hearing"), ("procurement",),
     "多言語の観光案内チャットボット", "英語・中国語・韓国語に対応、2県の観光サイトで稼働。"),
]
#: Adviser requests: poster key, programme, topic, delivery.
ADVISER_REQUESTS = [
    ("muni-014583", "dx", "生成AIの庁内利用ガイドラインづくり", "online"),
    ("muni-052035", "dx", "RPAで定型業務を自動化したい", "either"),
    ("muni-072028", "regional_informatization", "オープンデータの公開と活用", "online"),
    ("muni-162108", "regional_informatization", "地域BWAを使った見守りと防災情報の配信", "onsite"),
    ("muni-192091", "decarbonization", "脱炭素先行地域の計画づくり", "onsite"),
    ("muni-202053", "gx", "公共施設への太陽光発電の導入（PPA）", "either"),
    ("muni-242039", "dx", "書かない窓口（フロントヤード改革）の進め方", "onsite"),
    ("muni-336432", "gx", "森林資源を活かした脱炭素の取り組み", "onsite"),
    ("muni-372081", "dx", "自治体情報システム標準化後の業務の見直し", "online"),
    ("muni-382060", "regional_informatization", "職員向け情報セキュリティ研修", "either"),
    ("muni-452041", "decarbonization", "地域新電力の設立の検討", "either"),
    ("muni-422118", "gx", "再生可能エネルギー（洋上風力）と地域振興", "onsite"),
    ("pref-38", "dx", "市町の職員向け生成AI研修の企画", "online"),
]

# --- candidate content ---------------------------------------------------------------------
FAMILY_NAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山口",
                "松本", "井上", "木村", "林", "斎藤", "清水", "山崎", "森", "池田", "橋本", "阿部", "石川",
                "山下", "中島", "石井", "小川", "前田", "岡田", "長谷川", "藤田", "後藤", "近藤", "村上", "遠藤",
                "青木", "坂本", "福田", "西村", "太田", "三浦", "藤井", "岡本", "松田", "中川", "原田", "小野",
                "竹内", "金子", "和田", "中野", "上田", "森田", "安藤", "島田", "宮崎", "大野", "高木", "工藤"]
GIVEN_NAMES = ["大輔", "健太", "翔太", "拓也", "直樹", "誠", "隆", "浩二", "亮", "悠人", "陽介", "和也",
               "慎吾", "哲也", "優斗", "蓮", "聡", "剛", "雄一", "修", "美咲", "彩", "由美", "恵",
               "麻衣", "奈々", "真由美", "裕子", "愛", "千尋", "沙織", "瞳", "香織", "陽子", "智子", "明日香",
               "結衣", "里奈", "舞", "早紀"]
PREFECTURE_NAMES = {
    "01": "北海道", "02": "青森県", "03": "岩手県", "04": "宮城県", "05": "秋田県", "06": "山形県", "07": "福島県",
    "08": "茨城県", "09": "栃木県", "10": "群馬県", "11": "埼玉県", "12": "千葉県", "13": "東京都", "14": "神奈川県",
    "15": "新潟県", "16": "富山県", "17": "石川県", "18": "福井県", "19": "山梨県", "20": "長野県", "21": "岐阜県",
    "22": "静岡県", "23": "愛知県", "24": "三重県", "25": "滋賀県", "26": "京都府", "27": "大阪府", "28": "兵庫県",
    "29": "奈良県", "30": "和歌山県", "31": "鳥取県", "32": "島根県", "33": "岡山県", "34": "広島県", "35": "山口県",
    "36": "徳島県", "37": "香川県", "38": "愛媛県", "39": "高知県", "40": "福岡県", "41": "佐賀県", "42": "長崎県",
    "43": "熊本県", "44": "大分県", "45": "宮崎県", "46": "鹿児島県", "47": "沖縄県",
}
URBAN_PREFECTURES = ["13"] * 8 + ["14"] * 3 + ["27"] * 3 + ["23"] * 2 + ["40"] * 2 + ["11", "12", "26", "28", "04"]


@dataclass(frozen=True)
class Archetype:
    """A kind of candidate: where they come from, what they know, which schemes they join."""

    code: str
    weight: int
    schemes: tuple[str, ...]  # first is the primary scheme, the rest possible second ones
    skills: tuple[str, ...]
    remote: tuple[tuple[str, int], ...]
    careers: tuple[tuple[str, str, str], ...]  # organisation, role, description
    openings: tuple[str, ...]
    motivations: tuple[str, ...]


ARCHETYPES = (
    Archetype(
        "dx", 35, ("accelerator", "adviser", "side_job"),
        ("自治体DX", "Python", "AWS", "Azure", "ガバメントクラウド", "自治体情報システム標準化", "BPR", "PMO",
         "情報セキュリティ", "ネットワーク設計", "データ分析", "BI", "kintone", "RPA", "生成AI", "ノーコード",
         "調達仕様書作成", "プロジェクトマネジメント", "SQL", "Java", "ITIL", "UI/UXデザイン"),
        (("remote", 3), ("either", 5), ("onsite", 2)),
        (("大手SIer", "プロジェクトマネージャ", "自治体向け基幹システムの更改プロジェクトを統括"),
         ("通信会社", "インフラエンジニア", "閉域網とクラウドの設計・構築を担当"),
         ("外資系クラウドベンダー", "ソリューションアーキテクト", "公共機関のクラウド移行を技術面で支援"),
         ("県庁 情報政策課", "情報システム担当", "庁内ネットワークの更新とセキュリティ対策を担当"),
         ("ITコンサルティング会社", "ITコンサルタント", "業務改革（BPR）とシステム調達の支援"),
         ("地方銀行 システム部", "システム企画", "勘定系周辺システムの企画と外部委託先の管理を担当"),
         ("Web系ベンチャー", "データアナリスト", "利用データの分析基盤を構築し施策の効果を測定"),
         ("市役所 DX推進課", "主査", "書かない窓口と電子申請の導入を担当")),
        ("{org}で{years}年間、{role}として働いてきました。", "これまで{years}年ほど、{org}で{role}を務めています。",
         "{org}の{role}として、{desc}経験があります。"),
        ("人口の少ない自治体でも無理なく続けられるDXを広げたいと考えています。",
         "出身地の{pref}の市町村の役に立ちたいと思い、登録しました。",
         "標準化やガバメントクラウド移行で悩む職員の方に伴走したいです。",
         "テレワーク中心で、月に数回は現地にも伺えます。"),
    ),
    Archetype(
        "biz", 30, ("side_job", "succession"),
        ("EC運営", "Webマーケティング", "SNS運用", "販路開拓", "ブランディング", "商品企画", "財務", "管理会計",
         "人事制度設計", "採用", "営業戦略", "海外展開", "Shopify", "広告運用", "生産管理", "品質管理", "業務改善",
         "DX推進", "中小企業診断", "資金調達"),
        (("remote", 6), ("either", 4), ("onsite", 1)),
        (("消費財メーカー", "マーケティングマネージャ", "新商品の企画から販促までを担当"),
         ("EC運営代行会社", "ECコンサルタント", "食品・工芸品の店舗の売上改善を支援"),
         ("総合商社", "営業", "食品の輸出入と海外の販路開拓を担当"),
         ("監査法人", "公認会計士", "中堅企業の会計監査と内部統制の支援"),
         ("人材サービス会社", "人事コンサルタント", "中小企業の評価制度と採用の仕組みづくりを支援"),
         ("自動車部品メーカー", "生産技術", "工場の生産性向上とライン改善を担当"),
         ("広告代理店", "プランナー", "地域ブランドのプロモーションを企画")),
        ("{org}で{role}として{years}年働いています。", "本業は{org}の{role}です。",
         "{org}で{desc}経験を{years}年積んできました。"),
        ("本業で培った経験を、副業で地域の企業の課題解決に活かしたいです。",
         "平日の夜と週末を使い、オンライン中心で関わりたいと考えています。",
         "いずれは{pref}に拠点を持ち、地域の企業と長く付き合いたいです。",
         "短期間でも成果が見える形で伴走することを大切にしています。"),
    ),
    Archetype(
        "successor", 20, ("succession", "side_job"),
        ("農業経営", "食品加工", "店舗運営", "財務", "事業計画", "営業", "接客", "六次産業化", "旅館経営",
         "製造現場管理", "簿記", "地域おこし協力隊", "直売所運営", "商品開発", "労務管理"),
        (("onsite", 6), ("either", 4), ("remote", 1)),
        (("地域おこし協力隊", "隊員", "農産物の加工と直売所の運営を担当"),
         ("食品メーカー", "工場長", "製造ラインの管理と品質保証を担当"),
         ("外食チェーン", "店長", "店舗の運営と人材育成を担当"),
         ("地方銀行", "法人営業", "中小企業の資金繰りと事業承継の相談に対応"),
         ("ホテルチェーン", "支配人", "宿泊施設の運営と収支管理を担当"),
         ("農業法人", "生産管理", "施設園芸の生産計画と販売を担当")),
        ("{org}で{role}として{years}年働いてきました。", "以前は{org}で{desc}経験があります。",
         "{org}の{role}として{years}年、現場に立ってきました。"),
        ("後継者のいない事業を引き継ぎ、経営者として地域に根を張りたいと考えています。",
         "{pref}への移住を考えており、事業承継の機会を探しています。",
         "まずは右腕として経営を学び、将来は事業を引き継ぎたいです。",
         "創業塾で学んだことを、実際の経営で試したいと思っています。"),
    ),
    Archetype(
        "adviser", 15, ("adviser", "accelerator", "side_job"),
        ("生成AI", "RPA", "脱炭素", "再生可能エネルギー", "GX", "地域情報化", "オープンデータ", "書かない窓口",
         "情報セキュリティ", "自治体DX", "研修講師", "BPR", "省エネ診断", "地域新電力", "スマートシティ"),
        (("either", 5), ("remote", 3), ("onsite", 2)),
        (("エネルギー会社", "事業開発", "再生可能エネルギー事業の企画と地域との合意形成を担当"),
         ("シンクタンク", "主任研究員", "自治体の情報化計画と脱炭素計画の策定を支援"),
         ("大学", "特任教授", "地域情報化とオープンデータを研究し実践"),
         ("ITベンダー", "AI導入コンサルタント", "自治体の生成AIとRPAの導入を支援"),
         ("市役所", "情報政策監", "庁内の情報化とセキュリティ対策を統括")),
        ("{org}で{role}として{years}年の経験があります。", "{org}の{role}として、{desc}経験があります。",
         "長く{org}に勤め、{role}として{years}年働いてきました。"),
        ("アドバイザーとして、職員の方が自分たちで進められるよう助言したいと考えています。",
         "オンラインでの相談にも、現地での研修にも対応できます。",
         "小さな自治体でも始められる取り組みを一緒に考えたいです。",
         "これまでの経験を{pref}の地域づくりに役立てたいです。"),
    ),
)
SKILL_PHRASES = ("得意分野は{s1}と{s2}です。", "{s1}と{s2}の経験を活かし、現場の業務を一緒に見直すことを大切にしています。",
                 "最近は{s1}にも力を入れています。", "{s1}を軸に、{s2}まで一貫して支援できます。")
CLOSINGS = ("まずはオンラインでお話しできれば嬉しいです。", "どうぞよろしくお願いします。",
            "現地訪問も月に1〜2回なら可能です。", "気軽にご連絡ください。")
OTHER_QUALIFICATIONS = ("中小企業診断士", "PMP", "応用情報技術者", "日商簿記2級", "社会保険労務士", "宅地建物取引士",
                        "ITコーディネータ", "エネルギー管理士", "AWS認定ソリューションアーキテクト", "")
ADVISER_FIELDS = ("生成AI・RPAの導入", "脱炭素計画の策定", "地域情報化計画", "情報セキュリティ研修",
                  "フロントヤード改革", "オープンデータ", "再エネの地域導入")


# --- plans (pure data, built from the seeded generator) -------------------------------------
@dataclass
class CandidatePlan:
    email: str
    profile: profiles.ProfileData
    opt_ins: dict[str, dict[str, Any]]


@dataclass
class PostingPlan:
    org_key: str
    scheme: str
    posting_type: str
    data: postings.PostingData
    status: PostingStatus
    close_reason: CloseReason | None = None


@dataclass
class DemoPlan:
    candidates: list[CandidatePlan] = field(default_factory=list)
    postings: list[PostingPlan] = field(default_factory=list)


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _pick(rng: random.Random, codes: tuple[str, ...], low: int, high: int) -> list[str]:
    """A random subset of ``codes`` kept in declaration order."""
    chosen = set(rng.sample(codes, rng.randint(low, high)))
    return [c for c in codes if c in chosen]


def _self_intro(rng: random.Random, archetype: Archetype, career: profiles.Career, skills: list[str],
                pref: str) -> str:
    years = int(career.years or 3)
    opening = rng.choice(archetype.openings).format(org=career.organisation, role=career.role, years=years,
                                                    desc=career.description + "した")
    s1, s2 = (skills + skills)[:2] if len(skills) < 2 else rng.sample(skills, 2)
    skill = rng.choice(SKILL_PHRASES).format(s1=s1, s2=s2)
    motivation = rng.choice(archetype.motivations).format(pref=pref)
    closing = rng.choice(CLOSINGS)
    parts = [opening, skill, motivation, closing]
    text = "".join(parts)
    if len(text) > 200:
        text = "".join([opening, skill, motivation])
    if len(text) > 200:
        text = "".join([opening, motivation])
    while len(text) < 80:
        text += rng.choice([m for m in archetype.motivations if m.format(pref=pref) not in text]).format(pref=pref)
    return text[:200]


def _plan_candidate(rng: random.Random, number: int, today: date, posting_prefectures: list[str]) -> CandidatePlan:
    archetype = rng.choices(ARCHETYPES, weights=[a.weight for a in ARCHETYPES])[0]
    name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(GIVEN_NAMES)}"
    residence = rng.choice(URBAN_PREFECTURES) if rng.random() < 0.7 else rng.choice(posting_prefectures)
    hometown = rng.choice(posting_prefectures)
    work = sorted({hometown, *rng.sample(posting_prefectures, rng.randint(0, 3))}
                  | ({residence} if rng.random() < 0.5 else set()))
    remote = _weighted(rng, archetype.remote)

    schemes = [archetype.schemes[0]]
    if rng.random() < 0.4:
        schemes.append(rng.choice(archetype.schemes[1:]))

    careers_pool = list(archetype.careers)
    rng.shuffle(careers_pool)
    careers = [profiles.Career(organisation=org, role=role, years=float(rng.randint(1, 12)), description=desc)
               for org, role, desc in careers_pool[:rng.randint(1, 3)]]
    total_years = int(sum(c.years or 0 for c in careers))
    skills = rng.sample(archetype.skills, rng.randint(3, 7))

    opt_ins: dict[str, dict[str, Any]] = {}
    forms: list[str] = []
    exams: list[str] = []
    hours = rng.choice([10, 20, 20, 30, 40, 40, 60, 80, 120, 160])
    fee_min: int | None = None
    for scheme in schemes:
        if scheme == "accelerator":
            years = min(20, total_years) if archetype.code in ("dx", "adviser") else rng.randint(0, 6)
            if archetype.code == "dx" and rng.random() < 0.4:
                exams = sorted(rng.sample(IPA_CODES, rng.randint(1, 2)), key=IPA_CODES.index)
            claims = not exams and years < 5 and rng.random() < 0.6
            acc_forms = _pick(rng, ACCELERATOR_FORM_CODES, 1, 3)
            opt_ins[scheme] = {
                "years_experience": years, "exams": exams, "claims_equivalent": claims,
                "equivalent_note": (f"{careers[0].organisation}で{careers[0].description}。" if claims else ""),
                "employment_forms": acc_forms,
            }
            forms += acc_forms
        elif scheme == "side_job":
            side_hours = rng.choice([10, 15, 20, 20, 30, 40, 60])
            fee_min = rng.randrange(30_000, 150_001, 5_000)
            side_forms = ["side_job"] if rng.random() < 0.8 else ["side_job", "full_time"]
            opt_ins[scheme] = {"hours_per_month": side_hours, "monthly_fee_min": fee_min,
                               "missions": _pick(rng, MISSION_CODES, 1, 3), "employment_forms": side_forms}
            forms += side_forms
            hours = min(hours, side_hours * 2)
        elif scheme == "succession":
            succ_forms = _pick(rng, ("owner_successor", "right_hand"), 1, 2)
            opt_ins[scheme] = {"industries": _pick(rng, tuple(INDUSTRY_JA), 1, 3),
                               "funds_band": rng.choice(["none", "lt_5m", "lt_5m", "5m_20m", "gt_20m"]),
                               "seminar_attended": rng.random() < 0.45, "employment_forms": succ_forms}
            forms += succ_forms
        elif scheme == "adviser":
            programmes = _pick(rng, tuple(PROGRAMME_JA), 1, 2)
            opt_ins[scheme] = {"employment_forms": programmes,
                               "fields": "、".join(rng.sample(ADVISER_FIELDS, 2)),
                               "sessions_per_year": rng.choice([3, 5, 6, 10, 12, 20])}

    if fee_min is not None:
        comp_min, comp_max = fee_min, fee_min + rng.randrange(50_000, 200_001, 10_000)
    elif rng.random() < 0.8:
        comp_min = rng.randrange(250_000, 600_001, 10_000)
        comp_max = comp_min + rng.randrange(100_000, 300_001, 10_000)
    else:
        comp_min = comp_max = None
    qualification = rng.choice(OTHER_QUALIFICATIONS)
    data = profiles.ProfileData(
        display_name=name,
        residence_prefecture=residence,
        work_prefectures=work,
        remote=remote,
        available_from=today + timedelta(days=rng.randint(0, 180)),
        hours_per_month=hours,
        employment_forms=list(dict.fromkeys(forms)),
        compensation_min=comp_min,
        compensation_max=comp_max,
        skills=skills,
        qualifications=exams,
        other_qualifications=qualification,
        self_intro=_self_intro(rng, archetype, careers[0], skills, PREFECTURE_NAMES[hometown]),
        phone=f"090-0000-{rng.randint(0, 9999):04d}" if rng.random() < 0.5 else "",
        visibility=rng.choices(list(Visibility), weights=[35, 40, 25])[0],
        careers=careers,
    )
    return CandidatePlan(email=CANDIDATE_EMAIL.format(number), profile=data, opt_ins=opt_ins)


def _status(rng: random.Random) -> tuple[PostingStatus, CloseReason | None]:
    r = rng.random()
    if r < 0.08:
        return PostingStatus.DRAFT, None
    if r < 0.14:
        return PostingStatus.IN_REVIEW, None
    if r < 0.22:
        return PostingStatus.CLOSED, rng.choice([CloseReason.FILLED, CloseReason.FILLED, CloseReason.WITHDRAWN])
    return PostingStatus.PUBLISHED, None


def _deadline(rng: random.Random, today: date) -> date | None:
    return today + timedelta(days=rng.randrange(30, 151, 5)) if rng.random() < 0.75 else None


def _plan_postings(rng: random.Random, today: date) -> list[PostingPlan]:
    orgs = {key: (name, pref, muni) for key, name, _kind, pref, muni in GENERATED_ORGANISATIONS}
    for key, index in NAMED_ORG_KEYS.items():
        name, _kind, pref, muni, _verified = DEMO_ORGANISATIONS[index]
        orgs[key] = (name, pref, muni)
    plans: list[PostingPlan] = []

    def add(org_key: str, scheme: str, type_code: str, title: str, description: str, *, remote: str,
            skills: list[str], extra: dict[str, Any], municipality: str | None = None) -> None:
        _name, pref, org_muni = orgs[org_key]
        status, reason = _status(rng)
        data = postings.PostingData(title=title, description=description, prefecture_code=pref,
                                    municipality_code=municipality or org_muni, remote=remote, skills=skills,
                                    deadline=_deadline(rng, today), extra=extra)
        plans.append(PostingPlan(org_key, scheme, type_code, data, status, reason))

    dx_skills = ("自治体DX", "BPR", "ガバメントクラウド", "自治体情報システム標準化", "情報セキュリティ", "データ利活用",
                 "生成AI", "プロジェクトマネジメント", "調達仕様書作成", "職員研修")
    # 1. accelerator positions (prefectures) and CIO advisers (municipalities)
    for org_key, area in ACCELERATOR_POSITIONS:
        pref_name = PREFECTURE_NAMES[orgs[org_key][1]]
        form = rng.choice(["part_time", "part_time", "fixed_term", "contract", "permanent", "secondment"])
        capacity = 9 if area.startswith("県内6ブロックのうち幡多") else rng.randint(1, 6)
        conditions = {
            "part_time": f"週{rng.randint(2, 3)}日勤務（うち1日は在宅勤務可）。報酬は日額{rng.randrange(25_000, 35_001, 1_000):,}円程度、交通費は別途支給。",
            "fixed_term": f"任期{rng.randint(2, 3)}年（更新あり）。年収{rng.randrange(600, 901, 50)}万円程度（経験により決定）。",
            "permanent": f"任期の定めのない常勤職員。年収{rng.randrange(550, 801, 50)}万円程度。移住の支援があります。",
            "contract": f"県が委託する事業者を通じて従事。月{rng.randrange(40, 81, 10)}時間程度、リモート中心。",
            "secondment": "人材プール協力企業からの出向（2年程度）。出向元の給与体系を維持します。",
        }[form]
        title = rng.choice([
            "{pref}の市町村DXを支える自治体DXアクセラレータ（{form}）",
            "自治体DXアクセラレータ募集：{area}担当（{form}）",
            "{pref} デジタル人材プール 自治体DXアクセラレータ（{form}・{n}名）",
        ]).format(pref=pref_name, form=FORM_JA[form], area=area, n=capacity)
        description = (f"{pref_name}では、域内の市町村のDXを支える専門人材の人材プールをつくっています。"
                       f"担当は{area}で、市町村を訪問してDX推進計画づくりや業務改革を伴走支援していただきます。"
                       + rng.choice(["民間企業での実務経験を歓迎します。", "副業・テレワークとの組み合わせも相談できます。",
                                     "IPA高度試験の合格者、またはデジタル分野の実務経験5年以上の方が対象です。"]))
        add(org_key, "accelerator", "position", title, description,
            remote=rng.choice(["either", "either", "onsite", "remote"]),
            skills=rng.sample(dx_skills, rng.randint(3, 5)),
            extra={"capacity": capacity, "employment_form": form, "work_area": area,
                   "support_tasks": _pick(rng, SUPPORT_TASK_CODES, 2, 4),
                   "categories": _pick(rng, FOCUS_THEME_CODES, 1, 3),
                   "recruitment_start": today - timedelta(days=rng.randint(0, 45)), "conditions": conditions,
                   "application_url": f"https://recruit.example.jp/pref-{orgs[org_key][1]}/dx-accelerator"})
    for org_key in CIO_ADVISERS:
        muni_name = orgs[org_key][0].split(" ")[0]
        form = rng.choice(["part_time", "part_time", "contract"])
        add(org_key, "accelerator", "cio_adviser", f"{muni_name} CIO補佐官の募集（{FORM_JA[form]}）",
            f"{muni_name}のCIO（最高情報責任者）を補佐し、庁内DXと情報システムの最適化を進める外部人材を募集します。"
            + rng.choice(["月数回の登庁とオンラインでの相談が中心です。", "標準化・ガバメントクラウド移行の経験を歓迎します。",
                          "職員研修の企画も担っていただきます。"]),
            remote="either", skills=rng.sample(dx_skills, rng.randint(3, 5)),
            extra={"capacity": 1, "employment_form": form, "support_tasks": _pick(rng, SUPPORT_TASK_CODES, 2, 4),
                   "categories": _pick(rng, FOCUS_THEME_CODES, 1, 3),
                   "conditions": f"月{rng.randint(4, 8)}日程度の勤務（オンライン併用）。報酬は日額{rng.randrange(30_000, 50_001, 5_000):,}円。",
                   "application_url": f"https://recruit.example.jp/{org_key}/cio-adviser"})

    # 2. side-job projects
    mission_skills = {"productivity": ["生産管理", "業務改善", "IE"], "sales_channels": ["販路開拓", "営業戦略", "展示会"],
                      "new_business": ["商品企画", "ブランディング", "事業計画"], "efficiency": ["業務改善", "kintone", "クラウド会計"],
                      "hr_system": ["人事制度設計", "採用", "評価制度"], "ec_site": ["EC運営", "Shopify", "SNS運用", "広告運用"],
                      "dx": ["DX推進", "業務システム選定", "データ分析"]}
    for org_key, missions, title, deliverable in SIDE_JOB_PROJECTS:
        form = "side_job" if rng.random() < 0.8 else "full_time"
        months = rng.randint(2, 8)
        budget = rng.randrange(30_000, 150_001, 10_000) if form == "side_job" else rng.randrange(250_000, 500_001, 10_000)
        hours = rng.choice([8, 10, 16, 20, 24, 30, 40]) if form == "side_job" else 160
        skills = sorted({s for m in missions for s in rng.sample(mission_skills[m], 2)})
        poster = orgs[org_key][0]
        intro = ("県内企業の課題を整理したうえで、プロ人材を募集します。" if org_key.startswith(("hub", "hr"))
                 else f"{poster}は地域に根ざして事業を続けてきました。")
        add(org_key, "side_job", "project", title,
            intro + f"今回お願いしたいのは「{deliverable}」です。"
            + rng.choice(["打ち合わせは原則オンライン、月1回程度の来社をお願いします。", "経営者と直接やり取りしながら進めていただきます。",
                          "現場の社員と一緒に手を動かしていただける方を歓迎します。"]),
            remote=rng.choice(["remote", "remote", "either"]) if form == "side_job" else "either", skills=skills,
            extra={"categories": list(missions), "employment_form": form, "deliverable": deliverable, "months": months,
                   "monthly_budget_max": budget, "hours_per_month": hours, "first_time_user": rng.random() < 0.5})

    # 3. succession cases
    for org_key, muni, industry, business, firm_name in SUCCESSION_CASES:
        pref = orgs[org_key][1]
        disclosure = "open" if org_key.startswith(("firm", "muni")) and rng.random() < 0.6 else (
            "anonymous" if rng.random() < 0.85 else "open")
        employees = rng.choice(["0_5", "0_5", "6_20", "6_20", "21_50"])
        sales = rng.choice(["lt_10m", "10m_50m", "10m_50m", "50m_100m", "100m_500m"])
        years = rng.randrange(30, 101, 5)
        if disclosure == "open":
            title = f"{firm_name}：{business}を引き継ぐ方を募集"
        else:
            title = f"【{PREFECTURE_NAMES[pref]}・匿名】創業{years}年の{business}（{INDUSTRY_JA[industry]}）"
        reason = ("現在の運営者が高齢となり、引き継ぐ担い手がいないため" if org_key.startswith("muni") else
                  rng.choice(["代表者が高齢となり、親族に後継者がいないため", "後継予定だった子が県外で就職したため",
                              "代表者の健康上の理由から", "事業は黒字だが、引き継ぐ人がいないため"]))
        add(org_key, "succession", "case", title,
            f"{reason}、事業を引き継いでくださる方を探しています。"
            + rng.choice(["常連客と取引先との関係はそのまま引き継げます。", "引き継ぎ期間中は現経営者が並走して指導します。",
                          "まずは体験就業（マッチングトライアル）から始められます。"]),
            remote="onsite", skills=rng.sample(["事業計画", "財務", "営業", "製造現場管理", "店舗運営", "労務管理"], 2),
            municipality=muni,
            extra={"categories": [industry],
                   "employment_form": rng.choice(["owner_successor", "owner_successor", "right_hand"]),
                   "sales_band": sales, "employees_band": employees,
                   "handover": _pick(rng, HANDOVER_CODES, 2, 5),
                   "timing": rng.choice(["1年以内", "1〜2年以内", "2〜3年以内", "相談のうえ決定"]),
                   "disclosure": disclosure, "firm_name": firm_name,
                   "address": f"{PREFECTURE_NAMES[pref]}{SUCCESSION_PLACES[muni]}（番地は面談の際にお伝えします）",
                   "financials": f"売上高は直近3期とも横ばい。{EMPLOYEES_JA[employees]}。借入金は{rng.choice(['なし', '少額', '年商の2割程度'])}。"})

    # 4. startups: municipal challenges and solutions
    for org_key, categories, title, exit_code, field_offered in STARTUP_CHALLENGES:
        poster = orgs[org_key][0].split(" ")[0]
        add(org_key, "startup", "challenge", f"{poster}：{title}",
            f"{poster}では「{title}」に取り組むパートナーを探しています。" + field_offered,
            remote="either", skills=[],
            extra={"categories": list(categories), "department": orgs[org_key][0].split(" ")[-1],
                   "employment_form": exit_code, "budget_status": rng.choice(["secured", "requesting", "none"]),
                   "timeline": rng.choice(["今年度中に実証、来年度に本格導入を検討", "来年度の当初予算で検討",
                                           "半年程度の実証から開始"]),
                   "field_offered": field_offered})
    for org_key, categories, exits, title, record in STARTUP_SOLUTIONS:
        add(org_key, "startup", "solution", title,
            f"{title}を自治体向けに提供しています。{record}"
            + rng.choice(["初期費用を抑えた実証プランもあります。", "職員の方の運用負担が少ないことが特長です。"]),
            remote="remote", skills=[],
            extra={"categories": list(categories), "exits": list(exits), "adoption_record": record,
                   "price_range": rng.choice(["月額10万円〜", "年額120万円〜（人口規模による）", "実証は無償、導入時に見積もり",
                                              "初期費用50万円＋月額5万円〜"]),
                   "regions_served": rng.choice(["全国", "全国（離島を含む）", "東日本", "西日本・九州"])})

    # 5. adviser requests
    for org_key, programme, topic, delivery in ADVISER_REQUESTS:
        poster = orgs[org_key][0].split(" ")[0]
        add(org_key, "adviser", "request", f"{poster} {PROGRAMME_JA[programme]}の派遣依頼：{topic}",
            f"{topic}について、専門家の助言を受けたいと考えています。"
            + rng.choice(["担当職員は2名で、庁内の関係課も同席します。", "首長も関心を持っており、年度内に方針を固めたいです。",
                          "他の自治体の事例も教えていただけると助かります。"]),
            remote="either", skills=[],
            extra={"employment_form": programme, "topic": topic, "sessions": rng.randint(1, 5), "delivery": delivery})

    # an unverified firm may only keep a draft
    plans.append(PostingPlan("unverified", "side_job", "project", postings.PostingData(
        title="新規事業の立ち上げを手伝ってくれる方（準備中）", description="社内で内容を検討中の下書きです。",
        prefecture_code="13", municipality_code=None, remote="remote", skills=["事業計画"], deadline=None,
        extra={"categories": ["new_business"], "employment_form": "side_job", "months": 3,
               "monthly_budget_max": 50_000, "hours_per_month": 10}), PostingStatus.DRAFT))
    return plans


def build_plan(today: date | None = None) -> DemoPlan:
    """Everything ``load_demo`` creates, computed from ``random.Random(2026)`` alone."""
    today = today or date.today()
    rng = random.Random(SEED)  # nosec B311 # seeded demo data, not a secret
    plan = DemoPlan()
    plan.postings = _plan_postings(rng, today)
    prefectures = sorted({p.data.prefecture_code for p in plan.postings})
    plan.candidates = [_plan_candidate(rng, n, today, prefectures) for n in range(1, CANDIDATE_COUNT + 1)]
    return plan


# --- writing to the database ----------------------------------------------------------------
#: The packages whose operations log one INFO line per row they write.
_FEATURES = ("accounts", "organisations", "profiles", "postings", "suggestions", "matches", "privacy", "digests")


@contextlib.contextmanager
def _quiet_services() -> Iterator[None]:
    """Keep per-row INFO logs of the services out of the console while seeding in bulk."""
    quiet = [logging.getLogger(f"marketplace.{feature}") for feature in _FEATURES]
    previous = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(quiet, previous, strict=True):
            logger.setLevel(level)


def _organisation(name: str, kind: OrgKind, prefecture: str, municipality: str | None, verified: bool) -> Organisation:
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, kind=kind, prefecture_code=prefecture, municipality_code=municipality)
        db.session.add(org)
    org.verified = verified
    if verified and org.verified_at is None:
        org.verified_at = utcnow()
    return org


def _ensure_reference() -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(Municipality)) == 0:
        load_reference()
    elif db.session.scalar(sa.select(sa.func.count()).select_from(Prefecture)) == 0:
        load_prefectures()


def _new_user(email: str, password_hash: str, role: Role, name: str, organisation: Organisation | None) -> User:
    user = User(email=email, password_hash=password_hash, role=role, display_name=name, locale="ja",
                organisation=organisation, email_verified_at=utcnow())
    db.session.add(user)
    return user


def _member_name(org_name: str) -> str:
    for prefix in ("株式会社", "有限会社", "一般社団法人"):
        org_name = org_name.removeprefix(prefix).strip()
    return f"{org_name.split(' ')[0].removesuffix('株式会社')} 担当者"


def refuse_in_production() -> None:
    """Demo accounts share a published password and TOTP secret: never create them on a production site."""
    if current_app.config.get("ENV_NAME") == "production":
        raise RuntimeError("Demo data is never loaded on a production site (MARKETPLACE_ENV=production).")


def load_demo() -> list[tuple[str, str]]:
    """Create the demo organisations, users, candidates and postings when missing.

    Returns the (email, role) pairs of the named demo accounts (not the generated ones).
    Raises ``RuntimeError`` on a production site.
    """
    refuse_in_production()
    _ensure_reference()
    named_orgs = [_organisation(*spec) for spec in DEMO_ORGANISATIONS]
    db.session.flush()
    made: list[tuple[str, str]] = []
    named_users: dict[str, User] = {}
    for email, role, name, org_index, area in DEMO_USERS:
        user = accounts.find_user_by_email(email)
        if user is None:
            org = named_orgs[org_index] if org_index is not None else None
            user = accounts.create_user(email, DEMO_PASSWORD, role, display_name=name,
                                        organisation=org, verified=True)
        if area is not None:
            schemes, prefectures = area
            organisations.set_coordinator_area(None, user, organisations.parse_area(schemes, prefectures))
        if two_factor.required_for(user) and not two_factor.enabled(user):
            user.totp_secret = DEMO_TOTP_SECRET
            user.totp_enabled_at = utcnow()
        named_users[email] = user
        made.append((user.email, user.role.value))
    db.session.flush()
    with _quiet_services():
        counts = _load_generated(named_orgs, named_users)
    logger.info("demo content loaded: %s", counts, extra={"event": "seed.demo"})
    return made


def _load_generated(named_orgs: list[Organisation], named_users: dict[str, User]) -> dict[str, int]:
    plan = build_plan()
    shared_hash: str | None = None

    def password_hash() -> str:
        nonlocal shared_hash
        if shared_hash is None:
            shared_hash = hash_password(DEMO_PASSWORD)  # once: Argon2 is deliberately slow
        return shared_hash

    existing_users = {u.email: u for u in db.session.scalars(
        sa.select(User).where(User.email.like("demo-%@example.jp")))}
    counts = {"organisations": 0, "members": 0, "candidates": 0, "postings": 0}

    # organisations and their members
    orgs: dict[str, Organisation] = {key: named_orgs[index] for key, index in NAMED_ORG_KEYS.items()}
    members: dict[str, User] = {}
    for user in named_users.values():
        if user.role == Role.MEMBER:
            key = next(k for k, i in NAMED_ORG_KEYS.items() if named_orgs[i].id == user.organisation_id)
            members[key] = user
    by_name = {o.name: o for o in db.session.scalars(sa.select(Organisation))}
    for key, name, kind, pref, muni in GENERATED_ORGANISATIONS:
        org = by_name.get(name)
        if org is None:
            org = Organisation(name=name, kind=kind, prefecture_code=pref, municipality_code=muni,
                               verified=True, verified_at=utcnow())
            db.session.add(org)
            counts["organisations"] += 1
        orgs[key] = org
    for key, org in orgs.items():
        if key in members:
            continue
        email = ORG_MEMBER_EMAIL.format(key=key)
        user = existing_users.get(email)
        if user is None:
            user = _new_user(email, password_hash(), Role.MEMBER, _member_name(org.name), org)
            counts["members"] += 1
        members[key] = user
    db.session.flush()

    # candidates
    for candidate in plan.candidates:
        if candidate.email in existing_users:
            continue
        user = _new_user(candidate.email, password_hash(), Role.CANDIDATE, candidate.profile.display_name, None)
        db.session.flush()
        profile = profiles.get_or_create_profile(user)
        profiles.update_profile(user, profile, candidate.profile)
        for scheme, values in candidate.opt_ins.items():
            profiles.set_opt_in(user, profile, scheme, values)
        counts["candidates"] += 1

    # postings
    existing_postings = {(org_id, title) for org_id, title in db.session.execute(
        sa.select(Posting.organisation_id, Posting.title))}
    admin = named_users["admin@example.jp"]
    kochi = named_users["coordinator.kochi@example.jp"]
    nagano = named_users["coordinator.nagano@example.jp"]
    for item in plan.postings:
        org = orgs[item.org_key]
        if (org.id, item.data.title) in existing_postings:
            continue
        member = members[item.org_key]
        posting = postings.create_posting(member, org, item.scheme, item.posting_type, item.data)
        counts["postings"] += 1
        if item.status == PostingStatus.DRAFT:
            continue
        postings.submit_for_review(member, posting)
        if item.status == PostingStatus.IN_REVIEW:
            continue
        reviewer = next((c for c in (kochi, nagano) if c.covers(posting.scheme, posting.prefecture_code)), admin)
        postings.approve(reviewer, posting)
        if item.status == PostingStatus.CLOSED and item.close_reason is not None:
            if item.close_reason == CloseReason.FILLED and posting.capacity:
                posting.filled = posting.capacity
            postings.close(member, posting, item.close_reason)
    db.session.flush()
    return counts


def demo_counts() -> dict[str, int]:
    """How much demo content the database holds (for printing after seeding)."""
    count = lambda query: db.session.scalar(query) or 0  # noqa: E731
    return {
        "candidates": count(sa.select(sa.func.count()).select_from(CandidateProfile)),
        "organisations": count(sa.select(sa.func.count()).select_from(Organisation)),
        "postings": count(sa.select(sa.func.count()).select_from(Posting)),
        "published": count(sa.select(sa.func.count()).where(Posting.status == PostingStatus.PUBLISHED)),
        "prefectures_with_postings": count(sa.select(sa.func.count(sa.distinct(Posting.prefecture_code)))),
    }
