"""Benchmark on deterministic synthetic records; prints one JSON object of timings and memory.

Wall-clock seconds (``*_s``) are what the targets speak of; ``*_cpu_s`` is the process's CPU time over
the same step (all threads), printed beside them with the load average because on a shared machine
the wall clock also counts the time other processes hold the cores."""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import resource
import time
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from marketplace.matching.assign import arcs_from_suggestions, assign_min_cost
from marketplace.matching.engine import DEFAULT_WORD_CHANNEL, Engine
from marketplace.matching.records import SCHEMES
from marketplace.matching.synth import synth_postings, synth_seekers


def scipy_topk(a: sp.csr_matrix, b: sp.csr_matrix, k: int, rows: int) -> float:
    """Seconds for the plain chunked scipy product + argpartition over the first ``rows`` rows of ``a``."""
    start = time.perf_counter()
    chunk = max(1, 25_000_000 // max(1, b.shape[0]))
    b_t = sp.csc_matrix(b.T)
    for lo in range(0, rows, chunk):
        dense = (a[lo:min(rows, lo + chunk)] @ b_t).toarray()
        kk = min(k, dense.shape[1])
        if kk == 0:
            continue
        part = np.argpartition(-dense, kk - 1, axis=1)[:, :kk]
        vals = np.take_along_axis(dense, part, axis=1)
        np.take_along_axis(part, np.argsort(-vals, axis=1, kind="stable"), axis=1)
    return time.perf_counter() - start


#: CPU seconds of the scipy baselines (extrapolated like their wall clock), by baseline, since the last reset.
_CPU: dict[bool, float] = {}


def _both_ways(s_mat: sp.csr_matrix, p_mat: sp.csr_matrix, k: int, sample: float, per_scheme: bool = False
               ) -> tuple[float, float]:
    totals = [0.0, 0.0]
    for side, (a, b) in enumerate(((p_mat, s_mat), (s_mat, p_mat))):
        rows = max(1, int(np.ceil(a.shape[0] * sample))) if a.shape[0] else 0
        cpu = time.process_time()
        seconds = scipy_topk(a, b, k, rows)
        scale = a.shape[0] / rows if rows else 0.0
        totals[side] += seconds * scale
        _CPU[per_scheme] = _CPU.get(per_scheme, 0.0) + (time.process_time() - cpu) * scale
    return totals[0], totals[1]


def scipy_baseline(engine: Engine, k: int, sample: float, per_scheme: bool) -> tuple[float, float]:
    """Extrapolated seconds (postings as queries, seekers as queries) on the engine's own matrices:
    all seekers x all postings (no rules at all), or scheme by scheme."""
    s_mats = [engine._seekers[scheme].text.compact() for scheme in SCHEMES]
    p_mats = [engine._postings[scheme].text.compact() for scheme in SCHEMES]
    _CPU[per_scheme] = 0.0
    if not per_scheme:
        return _both_ways(sp.vstack(s_mats, format="csr"), sp.vstack(p_mats, format="csr"), k, sample)
    pairs = [_both_ways(s, p, k, sample, True) for s, p in zip(s_mats, p_mats, strict=True)]
    return sum(x for x, _ in pairs), sum(y for _, y in pairs)


def incremental(engine: Engine, n: int, k: int, seed: int) -> list[float]:
    """Milliseconds of upsert + top-k for that record, alternating seekers and postings."""
    rng = random.Random(seed)  # nosec B311 # seeded synthetic data, not a secret
    seeker_ids = sorted(engine._seeker_scheme)
    posting_ids = sorted(engine._posting_scheme)
    times: list[float] = []
    for i in range(n):
        start = time.perf_counter()
        if i % 2 == 0:
            rec = engine.seeker(rng.choice(seeker_ids))
            engine.upsert_seeker(dataclasses.replace(rec, text=rec.text + f"追加の経験{i}件。"))
            engine.top_k_for_seeker(rec.id, k, explain=False)
        else:
            post = engine.posting(rng.choice(posting_ids))
            engine.upsert_posting(dataclasses.replace(post, text=post.text + f"更新{i}。"))
            engine.top_k_for_posting(post.id, k, explain=False)
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def run(n_seekers: int, n_postings: int, k: int, scipy_sample: float, word_channel: bool,
        n_incremental: int, top_l: int) -> dict[str, object]:
    seekers, postings = synth_seekers(n_seekers), synth_postings(n_postings)
    out: dict[str, object] = {"seekers": n_seekers, "postings": n_postings, "k": k, "word_channel": word_channel}
    out["load_average_start"] = [round(x, 2) for x in os.getloadavg()]
    t, c = time.perf_counter(), time.process_time()
    engine = Engine(word_channel=word_channel).fit(seekers, postings)
    out["fit_s"], out["fit_cpu_s"] = round(time.perf_counter() - t, 3), round(time.process_time() - c, 3)
    out["meaning_channel"] = engine.meaning
    t, c = time.perf_counter(), time.process_time()
    by_posting = engine.top_k_all_postings(k)
    out["topk_all_postings_s"] = round(time.perf_counter() - t, 3)
    out["topk_all_postings_cpu_s"] = round(time.process_time() - c, 3)
    t, c = time.perf_counter(), time.process_time()
    by_seeker = engine.top_k_all_seekers(k)
    out["topk_all_seekers_s"] = round(time.perf_counter() - t, 3)
    out["topk_all_seekers_cpu_s"] = round(time.process_time() - c, 3)
    out["short_posting_lists"] = sum(len(v) < k for v in by_posting.values())
    out["short_seeker_lists"] = sum(len(v) < k for v in by_seeker.values())
    mine = float(out["topk_all_postings_s"]) + float(out["topk_all_seekers_s"])  # type: ignore[arg-type]
    for key, per_scheme in (("scipy", False), ("scipy_per_scheme", True)):
        scipy_p, scipy_s = scipy_baseline(engine, k, scipy_sample, per_scheme)
        out[f"{key}_topk_postings_s"], out[f"{key}_topk_seekers_s"] = round(scipy_p, 3), round(scipy_s, 3)
        out[f"{key}_topk_s"] = round(scipy_p + scipy_s, 3)
        out[f"speedup_vs_{key}"] = round((scipy_p + scipy_s) / mine, 2) if mine else None
        # the same ratio in CPU seconds of the process (all threads): on a shared machine the wall clock of
        # both sides also counts the time other processes hold the cores, and the load changes between them
        mine_cpu = float(out["topk_all_postings_cpu_s"]) + float(out["topk_all_seekers_cpu_s"])  # type: ignore[arg-type]
        out[f"{key}_topk_cpu_s"] = round(_CPU[per_scheme], 3)
        out[f"cpu_speedup_vs_{key}"] = round(_CPU[per_scheme] / mine_cpu, 2) if mine_cpu else None
    out["scipy_sample"] = scipy_sample
    out["scipy_extrapolated"] = scipy_sample < 1.0
    t = time.perf_counter()
    caps = {p.id: p.capacity for p in postings}
    assigned = 0
    for scheme in SCHEMES:
        sugg = [s for sid, lst in by_seeker.items() if engine.seeker(sid).scheme == scheme for s in lst]
        assigned += len(assign_min_cost(arcs_from_suggestions(sugg, top_l), caps))
    out["assign_s"] = round(time.perf_counter() - t, 3)
    out["assigned_pairs"] = assigned
    c = time.process_time()
    times = incremental(engine, n_incremental, k, seed=5)
    out["incremental_cpu_ms_mean"] = round((time.process_time() - c) * 1000.0 / max(1, n_incremental), 2)
    out["incremental_p50_ms"] = round(float(np.percentile(times, 50)), 2)
    out["incremental_p95_ms"] = round(float(np.percentile(times, 95)), 2)
    t = time.perf_counter()
    explained = sum(len(engine.top_k_for_posting(p.id, k, explain=True)) for p in postings[:20])
    out["explain_ms_per_suggestion"] = round((time.perf_counter() - t) * 1000.0 / max(1, explained), 3)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)
    out["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seekers", type=int, default=100_000)
    parser.add_argument("--postings", type=int, default=10_000)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--scipy-sample", type=float, default=1.0,
                        help="fraction of query rows for the scipy baseline (time is extrapolated)")
    parser.add_argument("--word-channel", action=argparse.BooleanOptionalAction, default=DEFAULT_WORD_CHANNEL)
    parser.add_argument("--incremental", type=int, default=200)
    parser.add_argument("--top-l", type=int, default=10)
    args = parser.parse_args(argv)
    result = run(args.seekers, args.postings, args.k, args.scipy_sample, args.word_channel,
                 args.incremental, args.top_l)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
