"""Deterministic generator of the hard development set (seekers, postings, qrels) from texts.py.

Every seeker of a scheme passes every hard rule against every posting of that scheme (remote
postings, all forms accepted, enough experience, no fee or hours conflict), so only the text
decides. Grades come from the hand-written roles in texts.py, never from engine scores:
3 = first two paraphrased fits, 2 = the other fits, 1 = the adjacent profile, 0 = the traps
(the posting's nouns in the wrong role) and every other seeker of the scheme.
The last two cases of each scheme form a held-out split written to ``holdout/`` (same seekers and
postings, judgements of those 10 postings only); the development qrels (this folder) leave those
postings out, so ``evaluate tests/data/eval_hard`` never scores a held-out posting.
Run: python tests/data/eval_hard/make_eval_hard.py
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from texts import CASES, POSTING_CLOSINGS, SEEKER_CLOSINGS, SEEKER_OPENINGS  # noqa: E402

FORMS = {"accelerator": ["permanent", "fixed_term", "part_time", "contract", "secondment"],
         "side_job": ["full_time", "side_job"], "succession": ["owner_successor", "right_hand"],
         "startup": ["procurement", "joint_promotion", "joint_development"],
         "adviser": ["dx", "regional_informatization", "gx", "decarbonization"]}
PREFS = ["01", "04", "13", "15", "17", "20", "26", "27", "33", "38", "39", "40", "43", "47"]
HOLDOUT_CASES = (4, 5)
FIT_GRADES = (3, 3, 2, 2)


def main() -> None:
    rng = random.Random(20261207)
    postings: list[dict] = []
    seekers: list[dict] = []
    qrels: list[dict] = []
    holdout: set[str] = set()
    for scheme, cases in CASES.items():
        own: list[tuple[int, int]] = []  # (case index, grade for its own posting)
        first = len(seekers)
        for ci, case in enumerate(cases):
            pid = f"{scheme}-h{ci:02d}"
            if ci in HOLDOUT_CASES:
                holdout.add(pid)
            postings.append({
                "id": pid, "scheme": scheme, "topic": case["key"],
                "text": case["posting"] + rng.choice(POSTING_CLOSINGS), "skills": case["skills"],
                "prefecture": rng.choice(PREFS), "remote": "remote", "categories": [],
                "employment_form": case.get("form") or rng.choice(FORMS[scheme]), "capacity": 2,
                "monthly_budget_max": None, "hours_per_month": None, "months": None, "status": "published",
            })
            bodies = ([(t, g, "fit") for t, g in zip(case["fits"], FIT_GRADES, strict=True)]
                      + [(case["adjacent"], 1, "adjacent")] + [(t, 0, "trap") for t in case["traps"]])
            for body, g, role in bodies:
                share = {"fit": 0.4, "adjacent": 0.3, "trap": 0.5}[role]
                tags = [rng.choice(case["skills"])] if rng.random() < share else []
                seekers.append({
                    "id": f"{scheme}-hs{len(seekers):03d}", "scheme": scheme, "topic": case["key"], "role": role,
                    "text": rng.choice(SEEKER_OPENINGS) + body + rng.choice(SEEKER_CLOSINGS), "skills": tags,
                    "prefecture": rng.choice(PREFS), "work_prefectures": [],
                    "remote": rng.choice(["remote", "either"]), "categories": [],
                    "employment_forms": rng.sample(FORMS[scheme], len(FORMS[scheme])),
                    "years_experience": rng.randint(5, 20), "qualifications": [], "claims_equivalent": False,
                    "monthly_fee_min": None, "hours_per_month": None,
                })
                own.append((ci, g))
        for ci in range(len(cases)):
            pid = f"{scheme}-h{ci:02d}"
            for offset, (case_of, g) in enumerate(own):
                qrels.append({"posting_id": pid, "seeker_id": seekers[first + offset]["id"],
                              "grade": g if case_of == ci else 0})
    dev = [q for q in qrels if q["posting_id"] not in holdout]
    for folder, rows_q in ((HERE, dev), (HERE / "holdout", [q for q in qrels if q["posting_id"] in holdout])):
        folder.mkdir(exist_ok=True)
        for name, rows in (("postings", postings), ("seekers", seekers), ("qrels", rows_q)):
            with open(folder / f"{name}.jsonl", "w", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(postings)} postings, {len(seekers)} seekers, {len(dev)} development judgements, {len(holdout)} held out")


if __name__ == "__main__":
    main()
