"""Deterministic generator of the rule-twin development set (seekers, postings, qrels).

Each posting has six seekers who pass every hard rule (grade 3) and, for each of them, a
"twin": the same person changed in exactly one respect so that one hard rule rules the pair
out (grade 0). Accelerator seekers are often eligible through an IPA level-4 exam written the
way people write it (official name with 試験 / 合格 / 年度, full width, former names, codes);
their twins hold a look-alike that is not level 4 (応用情報技術者試験, PMP …) or a statement
that the exam is not passed yet. Grades follow the domain's rules, never the engine's scores.
Run: python tests/data/eval_ruletwin/make_ruletwin.py  (rewrites the three .jsonl files beside it).
"""
from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
START = "2027-04-01"
TOO_LATE = {"accelerator": "2027-09-01", "side_job": "2027-09-01", "adviser": "2027-07-15",
            "succession": "2028-01-15", "startup": None}
#: Level-4 exams as people write them (each is eligible).
EXAMS_AS_WRITTEN = [
    "プロジェクトマネージャ試験", "情報処理安全確保支援士試験", "平成30年度 ITストラテジスト試験 合格",
    "テクニカルエンジニア（ネットワーク）", "ＳＣ", "データベーススペシャリスト試験合格（令和3年）",
    "システムアーキテクト試験 合格", "令和元年度秋期 システム監査技術者試験", "ＩＴサービスマネージャー",
    "エンベデッドシステムスペシャリスト試験", "情報セキュリティスペシャリスト（平成27年度合格）",
    "テクニカルエンジニア(データベース)", "上級システムアドミニストレータ試験", "アプリケーションエンジニア 合格",
    "IPA PM", "ネットワークスペシャリスト", "ｼｽﾃﾑ監査技術者", "情報処理安全確保支援士（登録番号 第012345号）",
    "ITストラテジスト", "テクニカルエンジニア（エンベデッドシステム）", "Project Manager Examination",
    "2019年にプロジェクトマネージャ試験に合格", "ＤＢ", "テクニカルエンジニア（情報セキュリティ）",
]
#: Look-alikes that are not level-4 passes (each leaves a 2-year seeker ineligible).
NOT_LEVEL4 = ["応用情報技術者試験", "基本情報技術者試験 合格", "PMP", "情報セキュリティマネジメント試験",
              "プロジェクトマネージャ試験 受験予定", "ITパスポート", "AWS認定ソリューションアーキテクト", "PMO",
              "ITストラテジスト試験 午前Ⅰ免除", "初級システムアドミニストレータ", "DB2", "ネットワークスペシャリスト 勉強中"]

POSTINGS = {
    "accelerator": [
        ("10", "県内市町村の基幹業務システム標準化とガバメントクラウド移行を支援するアクセラレータを募集します。", ["クラウド", "標準化"]),
        ("11", "市町村の情報セキュリティ対策と職員研修、セキュリティ監査を担うアクセラレータを募集します。", ["セキュリティ", "研修"]),
        ("12", "データ利活用とオープンデータ推進を市町村と一緒に進めるアクセラレータを募集します。", ["データ分析", "オープンデータ"]),
        ("14", "フロントヤード改革と窓口DX、BPRを支援するアクセラレータを募集します。", ["BPR", "窓口DX"]),
    ],
    "side_job": [
        ("16", "地域の製造業でECサイトの立ち上げと集客を副業で支援してくれる方を募集します。", ["EC", "マーケティング"]),
        ("18", "中小企業の経理業務のクラウド化と業務改善を副業で支援してくれる方を募集します。", ["会計", "業務改善"]),
    ],
    "succession": [
        ("19", "創業50年の和菓子店の後継者を募集します。製造と店舗経営を引き継いでいただきます。", ["製菓", "店舗経営"]),
        ("21", "地域の酒蔵の経営を引き継ぐ後継者を募集します。酒造りと販路開拓をお任せします。", ["酒造", "販路開拓"]),
    ],
    "startup": [
        ("22", "町の公共交通の空白地帯でオンデマンド交通を実証するスタートアップを募集します。", ["モビリティ", "実証実験"]),
        ("23", "市の子育て支援手続きをオンライン化するサービスを持つスタートアップを募集します。", ["行政手続き", "オンライン申請"]),
    ],
    "adviser": [
        ("24", "町の脱炭素計画の策定を助言する外部アドバイザーを募集します。", ["脱炭素", "計画策定"]),
        ("25", "村のDX推進計画づくりと庁内研修を助言するアドバイザーを募集します。", ["DX推進", "研修"]),
    ],
}
FORM = {"accelerator": ("part_time", ["part_time", "contract"], ["permanent"]),
        "side_job": ("side_job", ["side_job"], ["full_time"]),
        "succession": ("owner_successor", ["owner_successor"], ["right_hand"]),
        "startup": ("procurement", ["procurement", "joint_development"], ["joint_promotion"]),
        "adviser": ("gx", ["gx", "dx"], ["regional_informatization"])}
BUDGET = {"accelerator": 600_000, "side_job": 150_000, "startup": 800_000}
HOURS = {"accelerator": 80, "side_job": 30, "adviser": 20}
#: The one rule each twin breaks, in turn (only rules the scheme has).
BREAKS = {"accelerator": ["eligibility", "eligibility", "eligibility", "location", "fee", "hours", "form", "availability"],
          "side_job": ["location", "fee", "hours", "form", "availability"],
          "succession": ["location", "form", "availability"],
          "startup": ["location", "fee", "form"],
          "adviser": ["location", "hours", "form", "availability"]}
OUTSIDE_PREF = "47"  # no posting is in 沖縄県, so a twin moved there is eligible nowhere


def seeker_text(posting_text: str, n: int) -> str:
    task = posting_text.split("を募集します")[0]
    openers = ["これまで", "前職では", "自治体と民間の双方で", "現在の勤務先で", "副業として", "地元で"]
    return f"{openers[n % len(openers)]}、{task}に近い仕事をしてきました。その経験を活かしたいです。"


def build() -> tuple[list[dict], list[dict], list[dict]]:
    postings, seekers, qrels = [], [], []
    exam_i = bad_i = 0
    for scheme, items in POSTINGS.items():
        form, accepted, other = FORM[scheme]
        for pi, (pref, text, skills) in enumerate(items):
            pid = f"{scheme}-p{pi:02d}"
            postings.append({"id": pid, "scheme": scheme, "text": text, "skills": skills, "prefecture": pref,
                             "remote": "onsite", "employment_form": form, "capacity": 2,
                             "monthly_budget_max": BUDGET.get(scheme), "hours_per_month": HOURS.get(scheme),
                             "start_date": START if TOO_LATE[scheme] else None, "status": "published"})
            for n in range(6):
                base = {"scheme": scheme, "text": seeker_text(text, n), "skills": skills, "prefecture": pref,
                        "remote": "onsite", "work_prefectures": [], "employment_forms": accepted,
                        "claims_equivalent": False, "available_from": "2027-03-01"}
                if scheme in BUDGET:
                    base["monthly_fee_min"] = BUDGET[scheme] - 50_000
                if scheme in HOURS:
                    base["hours_per_month"] = HOURS[scheme] + 20
                if scheme == "accelerator":
                    if n < 4:  # eligible by an exam only (2 years)
                        base["years_experience"], base["qualifications"] = 2, [EXAMS_AS_WRITTEN[exam_i % len(EXAMS_AS_WRITTEN)]]
                        exam_i += 1
                    else:
                        base["years_experience"], base["qualifications"] = 5 + n, []
                sid = f"{pid}-s{n}"
                seekers.append({"id": sid, **base})
                qrels.append({"posting_id": pid, "seeker_id": sid, "grade": 3})
                rule = BREAKS[scheme][(pi * 6 + n) % len(BREAKS[scheme])]
                twin = dict(base)
                if rule == "eligibility":
                    twin["years_experience"] = 2 if n >= 4 else 3
                    twin["qualifications"] = [NOT_LEVEL4[bad_i % len(NOT_LEVEL4)]]
                    bad_i += 1
                elif rule == "location":
                    twin["prefecture"] = OUTSIDE_PREF
                elif rule == "fee":
                    twin["monthly_fee_min"] = int(BUDGET[scheme] * 1.5)
                elif rule == "hours":
                    twin["hours_per_month"] = int(HOURS[scheme] * 0.5)
                elif rule == "form":
                    twin["employment_forms"] = other
                elif rule == "availability":
                    twin["available_from"] = TOO_LATE[scheme]
                tid = f"{pid}-t{n}-{rule}"
                seekers.append({"id": tid, **twin})
                qrels.append({"posting_id": pid, "seeker_id": tid, "grade": 0})
    return seekers, postings, qrels


def write(name: str, rows: list[dict]) -> None:
    with open(HERE / name, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    seekers, postings, qrels = build()
    write("seekers.jsonl", seekers)
    write("postings.jsonl", postings)
    write("qrels.jsonl", qrels)
    print(f"{len(postings)} postings, {len(seekers)} seekers, {len(qrels)} judgements")
