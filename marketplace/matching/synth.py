"""Deterministic synthetic Japanese seekers and postings for the benchmark (not for evaluation)."""
from __future__ import annotations

import datetime as dt
import random

from marketplace.matching.records import EMPLOYMENT_FORMS, IPA_LEVEL4_EXAMS, SCHEMES, PostingRecord, SeekerRecord
from marketplace.matching.regions import PREFECTURE_REGION, PREFECTURES

TOPICS: dict[str, list[list[str]]] = {
    "accelerator": [
        ["自治体DX推進計画の策定", "庁内DXの推進体制づくり", "DX推進計画の進捗管理"],
        ["基幹業務システムの標準化", "ガバメントクラウドへの移行", "クラウド移行の技術支援"],
        ["業務改革（BPR）", "業務フローの見直しと効率化", "調達仕様書の作成支援"],
        ["データ利活用の推進", "オープンデータの整備", "EBPMとデータ分析"],
        ["情報セキュリティ研修", "セキュリティ監査の実施", "インシデント対応訓練"],
        ["フロントヤード改革", "書かない窓口の導入", "オンライン申請の拡充"],
        ["生成AIの利用促進", "RPAによる定型業務の自動化", "AI活用ガイドラインの作成"],
        ["共同調達の取りまとめ", "市町村間の共同利用", "人材確保・育成方針の策定"],
    ],
    "side_job": [
        ["販路拡大", "ECサイトの立ち上げ", "オンライン販売の強化"],
        ["生産性向上", "製造現場の改善", "在庫管理の効率化"],
        ["新規事業の企画", "商品開発", "ブランド戦略"],
        ["人事制度の設計", "採用広報", "評価制度の見直し"],
        ["SNSマーケティング", "広報戦略", "Webサイトの改善"],
        ["社内DX", "クラウド会計の導入", "業務システムの選定"],
    ],
    "succession": [
        ["老舗旅館の事業承継", "観光業の経営引継ぎ", "宿泊業の後継者"],
        ["製造業の後継者", "町工場の技術承継", "金属加工の事業引継ぎ"],
        ["農産物加工所の運営", "農業法人の承継", "六次産業化"],
        ["飲食店の事業承継", "地元の和菓子店", "商店街の店舗引継ぎ"],
        ["右腕人材として経営参画", "経営幹部候補", "事業再構築"],
    ],
    "startup": [
        ["自動運転バスの実証", "地域交通の確保", "オンデマンド交通"],
        ["遠隔健診サービス", "妊婦健診のオンライン化", "健康管理アプリ"],
        ["防災情報の配信", "避難所運営の支援", "水循環システム"],
        ["インフラ点検のドローン活用", "道路の損傷検知", "橋梁点検の効率化"],
        ["子育て支援アプリ", "保育所の入所手続き", "学校連絡のデジタル化"],
        ["ごみ収集の最適化", "リサイクルの促進", "環境データの可視化"],
    ],
    "adviser": [
        ["DX推進体制の助言", "首長・幹部向けDX研修", "DX計画の見直し"],
        ["地域情報化の推進", "スマートシティ構想", "地域ポータルの構築"],
        ["脱炭素まちづくり", "再生可能エネルギーの導入", "GX推進計画"],
        ["生成AI・RPAの導入助言", "庁内のAI活用", "業務自動化の進め方"],
    ],
}
FILLER = [
    "地域に貢献したいと考えています。", "これまでの経験を活かします。", "柔軟な働き方を希望します。",
    "月に数回の現地訪問が可能です。", "関係者との調整を得意としています。", "丁寧なヒアリングを重視します。",
    "成果を数値で示します。", "小規模な自治体での実績があります。", "チームでの推進経験があります。",
]
CATEGORIES = ["暮らし・子育て", "広聴・広報", "子育て・教育", "健康・医療", "福祉・生活支援",
              "産業・ビジネス", "農林水産", "観光・文化・スポーツ", "インフラ・施設管理", "環境・ごみ・リサイクル"]
TOOLS = ("kintone", "Salesforce", "SAP", "Tableau", "Power BI", "AWS", "Azure", "Google Cloud", "Python", "R",
         "Excel VBA", "UiPath", "WinActor", "LINE", "Slack", "Teams", "Figma", "Shopify", "BASE", "freee",
         "マネーフォワード", "弥生会計", "GIS", "QGIS", "PostgreSQL", "Oracle", "Java", "PHP", "Ruby", "Go")
_KANJI = "青緑赤白黒金銀東西南北上下山川海空森林田野原浜島崎岡坂谷沢池泉橋本宮寺松竹梅桜菊星月日光風雲雪花"
_PREFS = list(PREFECTURES)
_BY_REGION: dict[str, list[str]] = {}
for _code, _region in PREFECTURE_REGION.items():
    _BY_REGION.setdefault(_region, []).append(_code)
_FEE = {"accelerator": (300_000, 900_000), "side_job": (30_000, 250_000), "succession": (200_000, 500_000),
        "startup": (100_000, 2_000_000), "adviser": (50_000, 300_000)}
_BASE_DATE = dt.date(2026, 4, 1)


def _place(rng: random.Random) -> str:
    return "".join(rng.sample(_KANJI, 2)) + rng.choice("市町村")


def _text(rng: random.Random, scheme: str, topic: int) -> str:
    """Topic phrases plus the proper nouns real profiles carry (places, tools, organisations)."""
    phrases = TOPICS[scheme][topic]
    other = TOPICS[scheme][rng.randrange(len(TOPICS[scheme]))]
    parts = rng.sample(phrases, 2) + [rng.choice(other)]
    body = "、".join(parts) + "に取り組みます。" + "".join(rng.sample(FILLER, 2))
    names = f"{_place(rng)}や{_place(rng)}での実績。{rng.choice(TOOLS)}と{rng.choice(TOOLS)}を使用。"
    org = "".join(rng.sample(_KANJI, 3)) + rng.choice(["株式会社", "合同会社", "協議会", "研究所"])
    return f"{body}{names}{org}に所属。経験{rng.randint(1, 25)}年。"


def synth_seekers(n: int, seed: int = 7) -> list[SeekerRecord]:
    """``n`` seekers spread over all schemes (deterministic for a seed)."""
    rng = random.Random(seed)  # nosec B311 # seeded synthetic data, not a secret
    out: list[SeekerRecord] = []
    for i in range(n):
        scheme = SCHEMES[i % len(SCHEMES)]
        topic = rng.randrange(len(TOPICS[scheme]))
        pref = rng.choice(_PREFS)
        nearby = _BY_REGION[PREFECTURE_REGION[pref]]
        forms = EMPLOYMENT_FORMS[scheme]
        lo, hi = _FEE[scheme]
        out.append(SeekerRecord(
            id=f"s{i}", scheme=scheme, text=_text(rng, scheme, topic),
            skills=tuple(rng.sample(TOPICS[scheme][topic], 2)), prefecture=pref,
            remote=rng.choice(["remote", "either", "either", "onsite"]),
            categories=tuple(rng.sample(CATEGORIES, 2)) if scheme == "startup" else (),
            work_prefectures=tuple(rng.sample(nearby, min(2, len(nearby)))),
            employment_forms=tuple(rng.sample(forms, rng.randint(1, len(forms)))),
            years_experience=float(rng.randint(1, 25)),
            qualifications=(rng.choice(list(IPA_LEVEL4_EXAMS)),) if rng.random() < 0.3 else (),
            claims_equivalent=rng.random() < 0.2, monthly_fee_min=rng.randrange(lo, hi, 10_000),
            hours_per_month=rng.choice([20, 40, 60, 80, 120, 160]),
            available_from=_BASE_DATE + dt.timedelta(days=rng.randint(-60, 120)),
        ))
    return out


def synth_postings(n: int, seed: int = 11) -> list[PostingRecord]:
    """``n`` postings spread over all schemes (deterministic for a seed)."""
    rng = random.Random(seed)  # nosec B311 # seeded synthetic data, not a secret
    out: list[PostingRecord] = []
    for i in range(n):
        scheme = SCHEMES[i % len(SCHEMES)]
        topic = rng.randrange(len(TOPICS[scheme]))
        lo, hi = _FEE[scheme]
        out.append(PostingRecord(
            id=f"p{i}", scheme=scheme, text=_text(rng, scheme, topic),
            skills=tuple(rng.sample(TOPICS[scheme][topic], 2)), prefecture=rng.choice(_PREFS),
            remote=rng.choice(["remote", "either", "onsite"]),
            categories=tuple(rng.sample(CATEGORIES, 2)) if scheme == "startup" else (),
            employment_form=rng.choice(EMPLOYMENT_FORMS[scheme]), capacity=rng.choice([1, 2, 4, 4]),
            monthly_budget_max=rng.randrange(lo, hi, 10_000) + (hi - lo) // 3,
            hours_per_month=rng.choice([10, 20, 40, 60, 80]), months=rng.choice([3, 5, 6, 12]),
            status="published" if rng.random() < 0.95 else rng.choice(["draft", "closed"]),
            start_date=_BASE_DATE + dt.timedelta(days=rng.randint(0, 90)),
        ))
    return out
