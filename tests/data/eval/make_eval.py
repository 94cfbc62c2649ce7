"""Deterministic generator of the labelled Japanese development set (seekers, postings, qrels).

Grades come from the intended ground-truth profiles (topic, seniority, and an independent
implementation of the domain's hard rules), never from the engine's scores:
3 = the seeker's main topic is the posting's need, senior, and the posting's form is the
seeker's first choice; 2 = main topic otherwise, or a senior whose second topic it is;
1 = second topic or a related topic, or any relevant pair that needs a coordinator's review;
0 = unrelated, or a hard rule rules the pair out.
Run: python tests/data/eval/make_eval.py  (rewrites the three .jsonl files beside it).
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from topics import ADVISER_PROGRAMME, FILLERS, POSTING_INTROS, SEEKER_INTROS, TOPICS  # noqa: E402

FORMS = {"accelerator": ["permanent", "fixed_term", "part_time", "contract", "secondment"],
         "side_job": ["full_time", "side_job"], "succession": ["owner_successor", "right_hand"],
         "startup": ["procurement", "joint_promotion", "joint_development"]}
BUDGET = {"accelerator": 600_000, "side_job": 100_000, "startup": 800_000, "adviser": 150_000}
PREF_NAMES = {"01": "北海道", "04": "宮城県", "13": "東京都", "15": "新潟県", "17": "石川県", "20": "長野県",
              "26": "京都府", "27": "大阪府", "33": "岡山県", "38": "愛媛県", "39": "高知県", "40": "福岡県",
              "43": "熊本県", "47": "沖縄県"}
PREFS = sorted(PREF_NAMES)
LEVEL_TEXT = {"expert": ["この分野で十年以上、リーダーとして成果を上げてきました。", "責任者として多くの案件を率いてきました。"],
              "mid": ["担当者として数年の実務経験があります。", "チームの一員として実務を担ってきました。"],
              "junior": ["まだ経験は浅いですが学ぶ意欲があります。", "補助的な立場で関わった経験があります。"]}
YEARS = {"expert": (10, 20), "mid": (5, 9), "junior": (1, 4)}
_FULL = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
_HALF_KANA = str.maketrans({"シ": "ｼ", "ス": "ｽ", "テ": "ﾃ", "ム": "ﾑ", "ク": "ｸ", "ラ": "ﾗ", "ウ": "ｳ", "ド": "ﾄﾞ"})


def vary(rng: random.Random, text: str) -> str:
    """Surface noise a real form would carry: full-width ASCII, half-width katakana."""
    if rng.random() < 0.2:
        text = text.translate(_FULL)
    if rng.random() < 0.1:
        text = text.translate(_HALF_KANA)
    return text


def topic_of(scheme: str, key: str) -> tuple:
    return next(t for t in TOPICS[scheme] if t[0] == key)


def make_postings(rng: random.Random) -> list[dict]:
    out = []
    for scheme, topics in TOPICS.items():
        for key, p_phr, _s, skills, _rel, cats in topics:
            for copy in range(2):
                pref = rng.choice(PREFS)
                form = ADVISER_PROGRAMME[key] if scheme == "adviser" else rng.choice(FORMS[scheme])
                place = f"{PREF_NAMES[pref]}内で" if rng.random() < 0.4 else ""
                parts = [rng.choice(POSTING_INTROS[scheme]), place + "、".join(rng.sample(p_phr, 2)) + "。",
                         rng.choice(FILLERS)]
                budget = BUDGET.get(scheme)
                out.append({
                    "id": f"{scheme}-p{len(out):03d}", "scheme": scheme, "topic": key,
                    "text": vary(rng, "".join(parts)), "skills": rng.sample(skills, 2), "prefecture": pref,
                    "remote": rng.choice(["remote", "either", "onsite"]), "categories": cats,
                    "employment_form": form, "capacity": rng.choice([1, 2, 4]),
                    "monthly_budget_max": None if budget is None else int(budget * rng.choice([0.8, 1.0, 1.2])),
                    "hours_per_month": rng.choice([20, 40, 80]) if scheme in ("accelerator", "side_job") else None,
                    "months": rng.choice([3, 5, 12]) if scheme == "side_job" else None,
                    "status": "published",
                })
    for i, scheme in enumerate(("accelerator", "side_job")):
        closed = dict(out[i * 14], id=f"{scheme}-closed{i}", status="closed" if i == 0 else "published", capacity=0)
        out.append(closed)
    return out


def make_seekers(rng: random.Random, postings: list[dict]) -> list[dict]:
    near: dict[tuple[str, str], list[str]] = {}
    for p in postings:
        near.setdefault((p["scheme"], p["topic"]), []).append(p["prefecture"])
    out = []
    for scheme, topics in TOPICS.items():
        keys = [t[0] for t in topics]
        for key, _p, s_phr, skills, _rel, cats in topics:
            for level in ["expert", "expert", "mid", "mid", "junior", "junior", "mid"]:
                second = rng.choice([k for k in keys if k != key]) if rng.random() < 0.5 else None
                pref = rng.choice(near[(scheme, key)]) if rng.random() < 0.5 else rng.choice(PREFS)
                body = "、".join(rng.sample(s_phr, 2)) + "。"
                if second:
                    body += "また、" + rng.choice(topic_of(scheme, second)[2]) + "。"
                home = f"{PREF_NAMES[pref]}在住。" if rng.random() < 0.4 else ""
                text = rng.choice(SEEKER_INTROS[scheme]) + home + body + rng.choice(LEVEL_TEXT[level])
                if scheme == "adviser":
                    forms = [ADVISER_PROGRAMME[key]] + ([ADVISER_PROGRAMME[second]] if second else [])
                else:
                    forms = rng.sample(FORMS[scheme], rng.randint(min(2, len(FORMS[scheme])), len(FORMS[scheme])))
                years = rng.randint(*YEARS[level])
                budget = BUDGET.get(scheme)
                fee_factor = rng.choice([0.5, 0.7, 0.8, 0.9, 0.9, 1.1, 1.6])
                out.append({
                    "id": f"{scheme}-s{len(out):03d}", "scheme": scheme, "topic": key, "second": second,
                    "level": level, "text": vary(rng, text),
                    "skills": rng.sample(skills, rng.randint(1, 3)) + ([rng.choice(topic_of(scheme, second)[3])]
                                                                      if second else []),
                    "prefecture": pref,
                    "work_prefectures": rng.sample(PREFS, rng.choice([0, 0, 1, 2])),
                    "remote": rng.choice(["remote", "either", "either", "either", "onsite"]),
                    "categories": cats, "employment_forms": sorted(set(forms), key=forms.index),
                    "years_experience": years,
                    "qualifications": [rng.choice(["PM", "SC", "ST", "応用情報"])] if rng.random() < 0.3 else [],
                    "claims_equivalent": level == "junior" and rng.random() < 0.5,
                    "monthly_fee_min": None if budget is None else int(budget * fee_factor),
                    "hours_per_month": rng.choice([30, 60, 80, 100]) if scheme in ("accelerator", "side_job") else None,
                })
    return out


def ground_truth_status(s: dict, p: dict) -> str:
    """Independent statement of the domain rules: 'ok', 'review' or 'out'."""
    review = False
    area = {s["prefecture"], *s["work_prefectures"]}
    if p["remote"] != "remote":
        if p["prefecture"] in area:
            review |= s["remote"] == "remote" and p["remote"] == "onsite"
        elif not (p["remote"] == "either" and s["remote"] != "onsite"):
            return "out"
    if p["employment_form"] not in s["employment_forms"]:
        return "out"
    if p["scheme"] == "accelerator":
        ipa = set(s["qualifications"]) & {"ST", "SA", "PM", "NW", "DB", "ES", "SM", "AU", "SC"}
        if s["years_experience"] < 5 and not ipa:
            if not s["claims_equivalent"]:
                return "out"
            review = True
    fee, budget = s["monthly_fee_min"], p["monthly_budget_max"]
    if fee is not None and budget is not None and fee > budget:
        if fee > budget * 1.2:
            return "out"
        review = True
    have, need = s["hours_per_month"], p["hours_per_month"]
    if have is not None and need is not None and have < need:
        if have < need * 0.8:
            return "out"
        review = True
    return "review" if review else "ok"


def grade(s: dict, p: dict) -> int:
    related = topic_of(p["scheme"], p["topic"])[4]
    if s["topic"] == p["topic"]:
        rel = 3 if s["level"] == "expert" else 2
    elif s["second"] == p["topic"]:
        rel = 2 if s["level"] == "expert" else 1
    elif s["topic"] in related:
        rel = 1
    else:
        return 0
    if rel == 3 and s["employment_forms"][0] != p["employment_form"]:
        rel = 2
    status = ground_truth_status(s, p)
    return 0 if status == "out" else (min(rel, 1) if status == "review" else rel)


def main() -> None:
    rng = random.Random(20260127)
    postings = make_postings(rng)
    seekers = make_seekers(rng, postings)
    qrels = []
    for p in postings:
        if p["status"] != "published" or p["capacity"] == 0:
            continue
        for s in seekers:
            if s["scheme"] == p["scheme"]:
                g = grade(s, p)
                if g > 0 or s["topic"] == p["topic"]:
                    qrels.append({"posting_id": p["id"], "seeker_id": s["id"], "grade": g})
    for name, rows in (("postings", postings), ("seekers", seekers), ("qrels", qrels)):
        with open(HERE / f"{name}.jsonl", "w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(postings)} postings, {len(seekers)} seekers, {len(qrels)} judgements")


if __name__ == "__main__":
    main()
