"""Capacity-aware proposals: min-cost flow (OR-Tools) over top-L arcs, or stable deferred acceptance."""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

_SCALE = 100  # scores (0–100, 4 decimals) become integer costs in hundredths


@dataclass(frozen=True, slots=True)
class Arc:
    """A candidate pair with its reciprocal score and, optionally, each side's own preference."""

    seeker_id: str
    posting_id: str
    score: float
    seeker_pref: float | None = None
    posting_pref: float | None = None


def _cap(capacities: Mapping[str, int | None], posting_id: str) -> int:
    """Capacity of a posting: missing or None means 1."""
    value = capacities.get(posting_id)
    return 1 if value is None else int(value)


def arcs_from_suggestions(suggestions: Iterable[object], top_l: int | None = None) -> list[Arc]:
    """Arcs from Suggestion objects (keeps each seeker's ``top_l`` best when given)."""
    arcs = [Arc(s.seeker_id, s.posting_id, float(s.score)) for s in suggestions]  # type: ignore[attr-defined]
    if top_l is None:
        return arcs
    arcs.sort(key=lambda a: (a.seeker_id, -a.score, a.posting_id))
    kept: list[Arc] = []
    count: dict[str, int] = {}
    for arc in arcs:
        if count.get(arc.seeker_id, 0) < top_l:
            kept.append(arc)
            count[arc.seeker_id] = count.get(arc.seeker_id, 0) + 1
    return kept


def assign_min_cost(arcs: list[Arc], capacities: Mapping[str, int | None]) -> list[tuple[str, str]]:
    """Maximise the total score with each seeker used at most once and each posting at most its capacity.

    Network: source -> seeker (1) -> posting (score arcs) -> sink (capacity); each seeker also has a
    zero-score bypass to the sink, so every unit of supply flows and the cost is 100 - score.
    Postings missing from ``capacities`` or with None get capacity 1. Returns sorted (seeker, posting).
    """
    arcs = [a for a in arcs if _cap(capacities, a.posting_id) > 0]
    if not arcs:
        return []
    seekers = sorted({a.seeker_id for a in arcs})
    postings = sorted({a.posting_id for a in arcs})
    s_index = {sid: i + 1 for i, sid in enumerate(seekers)}
    p_index = {pid: i + 1 + len(seekers) for i, pid in enumerate(postings)}
    source, sink = 0, len(seekers) + len(postings) + 1
    n_s = len(seekers)
    tails = np.concatenate([
        np.zeros(n_s), np.fromiter((s_index[a.seeker_id] for a in arcs), np.int64, len(arcs)),
        np.arange(1, n_s + 1), np.asarray([p_index[p] for p in postings])]).astype(np.int32)
    heads = np.concatenate([
        np.arange(1, n_s + 1), np.fromiter((p_index[a.posting_id] for a in arcs), np.int64, len(arcs)),
        np.full(n_s, sink), np.full(len(postings), sink)]).astype(np.int32)
    caps = np.concatenate([
        np.ones(n_s + len(arcs) + n_s),
        np.asarray([_cap(capacities, p) for p in postings])]).astype(np.int64)
    costs = np.concatenate([
        np.zeros(n_s), np.fromiter((round((100.0 - a.score) * _SCALE) for a in arcs), np.int64, len(arcs)),
        np.full(n_s, 100 * _SCALE), np.zeros(len(postings))]).astype(np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    flow.set_nodes_supplies(np.asarray([source, sink], np.int32), np.asarray([n_s, -n_s], np.int64))
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("min-cost flow did not find an optimal assignment")
    used = flow.flows(np.arange(n_s, n_s + len(arcs), dtype=np.int32)) > 0
    return sorted((arcs[i].seeker_id, arcs[i].posting_id) for i in np.flatnonzero(used))


def assign_stable(arcs: list[Arc], capacities: Mapping[str, int | None]) -> list[tuple[str, str]]:
    """Seeker-proposing deferred acceptance (iterative). Seekers rank by ``seeker_pref`` (else score),
    postings by ``posting_pref`` (else score); ties break by id. Returns sorted (seeker, posting)."""
    proposals: dict[str, list[Arc]] = {}
    for arc in arcs:
        if _cap(capacities, arc.posting_id) > 0:
            proposals.setdefault(arc.seeker_id, []).append(arc)
    for lst in proposals.values():
        lst.sort(key=lambda a: (-(a.seeker_pref if a.seeker_pref is not None else a.score), a.posting_id))
    held: dict[str, list[tuple[float, str]]] = {}
    next_choice = dict.fromkeys(proposals, 0)
    free = deque(sorted(proposals))
    while free:
        sid = free.popleft()
        options = proposals[sid]
        if next_choice[sid] >= len(options):
            continue
        arc = options[next_choice[sid]]
        next_choice[sid] += 1
        rank = arc.posting_pref if arc.posting_pref is not None else arc.score
        bucket = held.setdefault(arc.posting_id, [])
        bucket.append((rank, sid))
        bucket.sort(key=lambda item: (-item[0], item[1]))
        if len(bucket) > _cap(capacities, arc.posting_id):
            _, rejected = bucket.pop()
            free.append(rejected)
    return sorted((sid, pid) for pid, bucket in held.items() for _, sid in bucket)
