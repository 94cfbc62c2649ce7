"""Evaluate the engine and baselines on a labelled directory; print one JSON object."""
from __future__ import annotations

import argparse
import json
import os
import random
from collections.abc import Callable, Sequence
from dataclasses import replace

from marketplace.matching.engine import DEFAULT_WORD_CHANNEL, Engine
from marketplace.matching.io import Qrels, read_dir
from marketplace.matching.metrics import judged_queries, mean_metrics
from marketplace.matching.records import PostingRecord, SeekerRecord
from marketplace.matching.rules import evaluate_pair, overall_status
from marketplace.matching.scoring import BLEND_FILE, Weights
from marketplace.matching.text import word_tokens

Rankings = dict[str, list[str]]
SEED = 20260127


def engine_rankings(seekers: Sequence[SeekerRecord], postings: Sequence[PostingRecord],
                    queries: Sequence[str], boilerplate: bool = True, **options: object) -> Rankings:
    """Rank every same-scheme seeker for each query posting with an engine variant (``boilerplate=False``:
    repeated sentences are kept in the text channels, see boilerplate.py)."""
    engine = Engine(**options)  # type: ignore[arg-type]
    if not boilerplate:
        engine.vectorizer.boilerplate = None
    engine.fit(seekers, postings)
    depth = max(1, len(seekers))
    return {pid: [s.seeker_id for s in engine.top_k_for_posting(pid, depth, explain=False)]
            for pid in queries}


def word_vector_rankings(seekers: Sequence[SeekerRecord], postings: Sequence[PostingRecord],
                         queries: Sequence[str]) -> Rankings:
    """Plain mean of ja-ginza word vectors over Sudachi content words, cosine, same scheme, no rules."""
    from marketplace.matching.meaning import MeaningVectorizer

    plain = MeaningVectorizer(idf_weighting=False, centre=False).fit([])
    s_vec = plain.transform([s.text for s in seekers])
    out: Rankings = {}
    for pid in queries:
        posting = _by_id(postings)[pid]
        sims = s_vec @ plain.transform([posting.text])[0]
        scored = sorted((-float(sims[n]), s.id) for n, s in enumerate(seekers) if s.scheme == posting.scheme)
        out[pid] = [sid for _, sid in scored]
    return out


def _by_id(postings: Sequence[PostingRecord]) -> dict[str, PostingRecord]:
    return {p.id: p for p in postings}


def random_rankings(seekers: Sequence[SeekerRecord], postings: Sequence[PostingRecord],
                    queries: Sequence[str]) -> Rankings:
    """Rule-feasible seekers in a seeded random order."""
    out: Rankings = {}
    for pid in queries:
        posting = _by_id(postings)[pid]
        ids = sorted(s.id for s in seekers
                     if overall_status(evaluate_pair(s, posting)) != "ruled_out")
        random.Random(f"{SEED}:{pid}").shuffle(ids)  # nosec B311 # reproducible shuffle, not a secret
        out[pid] = ids
    return out


def keyword_rankings(seekers: Sequence[SeekerRecord], postings: Sequence[PostingRecord],
                     queries: Sequence[str]) -> Rankings:
    """Jaccard of Sudachi content-word sets, same scheme, no rules."""
    out: Rankings = {}
    for pid in queries:
        posting = _by_id(postings)[pid]
        words = set(word_tokens(posting.text))
        scored = []
        for s in seekers:
            if s.scheme == posting.scheme:
                other = set(word_tokens(s.text))
                union = words | other
                scored.append((-(len(words & other) / len(union) if union else 0.0), s.id))
        out[pid] = [sid for _, sid in sorted(scored)]
    return out


def pg_trgm_rankings(url: str, seekers: Sequence[SeekerRecord], postings: Sequence[PostingRecord],
                     queries: Sequence[str]) -> Rankings:
    """PostgreSQL pg_trgm ``similarity`` on normalised texts in a temporary table, same scheme."""
    import psycopg

    from marketplace.matching.text import normalize_text

    out: Rankings = {}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        conn.execute("CREATE TEMP TABLE eval_seekers (id text, scheme text, body text)")
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO eval_seekers VALUES (%s, %s, %s)",
                            [(s.id, s.scheme, normalize_text(s.text)) for s in seekers])
            for pid in queries:
                posting = _by_id(postings)[pid]
                cur.execute("SELECT id FROM eval_seekers WHERE scheme = %s "
                            "ORDER BY similarity(body, %s) DESC, id", (posting.scheme, normalize_text(posting.text)))
                out[pid] = [row[0] for row in cur.fetchall()]
    return out


def grid_best_weights() -> Weights:
    """The blend ``fit_blend`` found best on the development sets (kept in blend.json, not used by default)."""
    record = json.loads(BLEND_FILE.read_text(encoding="utf-8"))
    return replace(Weights(), **record["grid_best"]["weights"])


def rule_violations(rankings: Rankings, seekers: Sequence[SeekerRecord], postings: Sequence[PostingRecord],
                    k: int) -> int:
    """Suggested pairs (top-k) that a hard rule rules out."""
    by_seeker = {s.id: s for s in seekers}
    by_posting = _by_id(postings)
    return sum(overall_status(evaluate_pair(by_seeker[sid], by_posting[pid])) == "ruled_out"
               for pid, ranking in rankings.items() for sid in ranking[:k])


def evaluate(directory: str, k: int = 10, baselines: bool = False) -> dict[str, object]:
    """Metrics of the default engine (and, optionally, of every baseline)."""
    seekers, postings, qrels = read_dir(directory)
    queries = judged_queries(qrels)
    every = [p.id for p in postings]

    def report(rank: Callable[[Sequence[str]], Rankings]) -> dict[str, object]:
        judged = rank(queries)
        allq = rank(every) if set(every) != set(queries) else judged
        return {**mean_metrics(judged, qrels, k), "rule_violations": rule_violations(allq, seekers, postings, k),
                "queries": len(queries)}

    result: dict[str, object] = {
        **report(lambda q: engine_rankings(seekers, postings, q)), "word_channel": DEFAULT_WORD_CHANNEL,
        "meaning_channel": Engine().meaning}
    if baselines:
        variants: dict[str, Callable[[Sequence[str]], Rankings]] = {
            "random": lambda q: random_rankings(seekers, postings, q),
            "keyword_overlap": lambda q: keyword_rankings(seekers, postings, q),
            "char_only": lambda q: engine_rankings(seekers, postings, q, word_channel=False, meaning=False),
            "meaning_only": lambda q: engine_rankings(seekers, postings, q, weights=Weights(t_char=0.0)),
            "no_role_cues": lambda q: engine_rankings(seekers, postings, q, weights=Weights(role_keep=1.0)),
            "no_hub_correction": lambda q: engine_rankings(seekers, postings, q, weights=Weights(t_hub=0.0)),
            "no_boilerplate_removal": lambda q: engine_rankings(seekers, postings, q, boilerplate=False),
            "rules_and_structure_only": lambda q: engine_rankings(seekers, postings, q,
                                                                  weights=Weights(t_char=0.0, t_meaning=0.0)),
            "grid_best_blend": lambda q: engine_rankings(seekers, postings, q, weights=grid_best_weights()),
            "with_word_channel": lambda q: engine_rankings(seekers, postings, q, word_channel=True),
            "word_vector_average": lambda q: word_vector_rankings(seekers, postings, q),
            "one_way": lambda q: engine_rankings(seekers, postings, q, reciprocal=False),
        }
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            pg_url = url.replace("postgresql+psycopg://", "postgresql://")
            variants["pg_trgm"] = lambda q: pg_trgm_rankings(pg_url, seekers, postings, q)
        result["baselines"] = {name: report(rank) for name, rank in variants.items()}
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--baselines", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(evaluate(args.directory, args.k, args.baselines), ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()
