"""Evaluation on the shipped development set and the benchmark's smoke run."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from marketplace.matching.bench import run
from marketplace.matching.evaluate import evaluate

EVAL_DIR = Path(__file__).resolve().parents[1] / "data" / "eval"


def test_dev_set_shape() -> None:
    postings = [json.loads(line) for line in (EVAL_DIR / "postings.jsonl").read_text(encoding="utf-8").splitlines()]
    qrels = [json.loads(line) for line in (EVAL_DIR / "qrels.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(postings) >= 40
    assert {p["scheme"] for p in postings} == {"accelerator", "side_job", "succession", "startup", "adviser"}
    assert {q["grade"] for q in qrels} == {0, 1, 2, 3}


def test_engine_beats_baselines_without_rule_violations() -> None:
    result = evaluate(str(EVAL_DIR), k=10, baselines=True)
    assert result["rule_violations"] == 0
    assert result["queries"] >= 40
    base = result["baselines"]
    assert result["ndcg@10"] > base["random"]["ndcg@10"] + 0.1
    assert result["ndcg@10"] > base["keyword_overlap"]["ndcg@10"]
    assert base["random"]["rule_violations"] == 0 and base["keyword_overlap"]["rule_violations"] > 0


def test_evaluate_cli_prints_one_json_object() -> None:
    done = subprocess.run([sys.executable, "-m", "marketplace.matching.evaluate", str(EVAL_DIR), "--k", "10"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert {"ndcg@10", "precision@5", "recall@10", "mrr", "rule_violations", "queries"} <= set(out)


def test_bench_smoke() -> None:
    out = run(300, 30, 5, scipy_sample=1.0, word_channel=False, n_incremental=10, top_l=3)
    for key in ("fit_s", "topk_all_postings_s", "topk_all_seekers_s", "incremental_p50_ms", "incremental_p95_ms",
                "assign_s", "peak_rss_mb", "scipy_topk_s", "speedup_vs_scipy"):
        assert isinstance(out[key], float) and out[key] >= 0, key
    assert out["incremental_p50_ms"] <= out["incremental_p95_ms"]
    assert 0 < out["assigned_pairs"] <= 300
