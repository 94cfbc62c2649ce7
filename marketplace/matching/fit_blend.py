"""Choose the blend of channels and rules on the development judgements; write it as data.

The text similarity of a pair is ``t_char * char cosine + t_meaning * meaning cosine``, lowered to
``role_keep`` of itself when the seeker shows a role the posting does not ask for, and saturates at
``text_scale`` (``scoring.Weights``). These four numbers are chosen here by a grid search that
maximises the mean NDCG@10 over the development sets, with no rule violation allowed, and written to
``blend.json`` beside this module, but adopted there (as ``weights``) only when it also raises the mean
NDCG@10 of the held-out splits; ``scoring.Weights`` reads that file. Nothing is fitted at run time.

Only development judgements are used: every set's ``holdout/`` postings are left out of its qrels,
so the held-out figures ``make evaluate`` prints stay unseen. Run (a few minutes):
    python -m marketplace.matching.fit_blend [--write]
"""
from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from marketplace.matching.evaluate import engine_rankings, rule_violations
from marketplace.matching.io import Qrels, read_dir, read_qrels
from marketplace.matching.metrics import judged_queries, mean_metrics
from marketplace.matching.records import PostingRecord, SeekerRecord
from marketplace.matching.scoring import BLEND_FILE, Weights

DEV_SETS = ("tests/data/eval", "tests/data/eval_hard", "tests/data/eval_semantic")
#: Only the ratios of t_char and t_meaning to text_scale matter below saturation, so text_scale stays 0.5.
GRID: dict[str, tuple[float, ...]] = {
    "t_char": (0.1, 0.25, 0.4, 0.6, 1.0),
    "t_meaning": (0.4, 0.5, 0.6, 0.75, 0.9),
    "role_keep": (0.25, 0.35, 0.5),
}
DevSet = tuple[list[SeekerRecord], list[PostingRecord], Qrels, list[str]]


def development_set(directory: str) -> DevSet:
    """A labelled directory with the postings of its ``holdout/`` split removed from the judgements."""
    seekers, postings, qrels = read_dir(directory)
    held = Path(directory) / "holdout" / "qrels.jsonl"
    if held.exists():
        for posting_id in read_qrels(held):
            qrels.pop(posting_id, None)
    return seekers, postings, qrels, judged_queries(qrels)


def score(weights: Weights, sets: dict[str, DevSet], k: int = 10) -> dict[str, float]:
    """NDCG@k per set."""
    return {name: round(float(mean_metrics(engine_rankings(seekers, postings, queries, weights=weights),
                                           qrels, k)["ndcg@10"]), 4)
            for name, (seekers, postings, qrels, queries) in sets.items()}


def violations(weights: Weights, sets: dict[str, DevSet], k: int = 10) -> int:
    """Rule violations in the top k of every posting of every set."""
    total = 0
    for seekers, postings, _qrels, _queries in sets.values():
        rankings = engine_rankings(seekers, postings, [p.id for p in postings], weights=weights)
        total += rule_violations(rankings, seekers, postings, k)
    return total


def search(sets: dict[str, DevSet], grid: dict[str, Sequence[float]] = GRID) -> dict[str, object]:
    """Every grid point scored; the best mean NDCG@10 (ties: the earlier point), which must break no rule."""
    points: list[tuple[float, dict[str, float], dict[str, float]]] = []
    keys = list(grid)
    for values in itertools.product(*(grid[key] for key in keys)):
        point = dict(zip(keys, values, strict=True))
        ndcg = score(replace(Weights(), **point), sets)
        mean = round(sum(ndcg.values()) / len(ndcg), 4)
        print(json.dumps({**point, **ndcg, "mean": mean}), flush=True)
        points.append((mean, point, ndcg))
    for mean, point, ndcg in sorted(points, key=lambda p: -p[0]):
        if violations(replace(Weights(), **point), sets) == 0:
            return {"weights": point, "mean": mean, "dev_ndcg@10": ndcg}
    raise SystemExit("every grid point breaks a rule")


def holdout_sets() -> dict[str, DevSet]:
    """The held-out splits of the development sets (measured after the search, never searched on)."""
    out: dict[str, DevSet] = {}
    for directory in DEV_SETS:
        held = Path(directory) / "holdout"
        if (held / "qrels.jsonl").exists():
            seekers, postings, qrels = read_dir(held)
            out[f"{Path(directory).name}/holdout"] = (seekers, postings, qrels, judged_queries(qrels))
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help=f"write the outcome to {BLEND_FILE.name}")
    args = parser.parse_args(argv)
    sets = {Path(d).name: development_set(d) for d in DEV_SETS}
    current = Weights()
    kept = {k: getattr(current, k) for k in GRID}
    best = search(sets)
    held = holdout_sets()
    held_now, held_best = score(current, held), score(replace(current, **best["weights"]), held)  # type: ignore[arg-type]
    adopt = sum(held_best.values()) > sum(held_now.values())
    record = {
        "weights": best["weights"] if adopt else kept,
        "decision": ("adopted the grid's best point: it raised the held-out mean NDCG@10" if adopt else
                     "kept the current blend: the grid's best point did not raise the held-out mean NDCG@10"),
        "grid_best": {**best, "holdout_ndcg@10": held_best},
        "previous": {"weights": kept, "dev_ndcg@10": score(current, sets), "holdout_ndcg@10": held_now},
        "chosen_by": "marketplace.matching.fit_blend: grid search, mean NDCG@10 over development sets "
                     "(holdout postings left out), 0 rule violations; adopted only if the held-out mean rises",
        "sets": list(DEV_SETS), "text_scale": current.text_scale, "grid": {k: list(v) for k, v in GRID.items()},
    }
    print(json.dumps(record, ensure_ascii=False))
    if args.write:
        BLEND_FILE.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
