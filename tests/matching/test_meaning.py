"""Meaning channel: vectors from the installed ja-ginza package, role cues, paraphrase over trap."""
from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np

from marketplace.matching import vectors
from marketplace.matching.cues import roles_of
from marketplace.matching.engine import Engine
from marketplace.matching.meaning import MeaningVectorizer, content_rows
from marketplace.matching.records import PostingRecord, SeekerRecord


def test_vectors_load_from_the_installed_package_without_spacy() -> None:
    code = ("import sys; from marketplace.matching import vectors as v; t = v.load(); "
            "assert t.table.shape == (20000, 300); assert v.load() is t; "
            "assert 'spacy' not in sys.modules and 'ja_ginza' not in sys.modules; print(t.row('保育所'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout.strip()) >= 0
    table = vectors.load().table
    assert np.allclose(np.linalg.norm(table[:100], axis=1), 1.0, atol=1e-4)


def test_murmurhash_matches_the_package_keys() -> None:
    v = vectors.load()
    assert vectors.murmurhash64a(b"") != vectors.murmurhash64a(b"a")
    known = [w for w in ("保育所", "申請", "林業", "介護", "仲介") if v.row(w) >= 0]
    assert len(known) == 5
    assert v.row("存在しない語ｘｙｚ") == -1


def test_importing_the_package_does_not_load_vectors() -> None:
    code = "import marketplace.matching, marketplace.matching.vectors as v; print(len(v._LOADED))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_paraphrase_is_closer_than_unrelated_text() -> None:
    mv = MeaningVectorizer().fit(["保育所の入所申請をオンライン化", "子育て世帯の申請手続きをスマホで完結",
                                  "酒蔵の杜氏として日本酒を仕込む", "イノシシのわなの見回り"])
    post, para, other = mv.transform(["保育所の入所申請をオンライン化する",
                                      "子育て世帯の申請手続きをスマホで完結する形に作り替えた",
                                      "酒蔵で日本酒の仕込みを担ってきた"])
    assert content_rows("保育所の入所申請")
    assert float(post @ para) > float(post @ other)


def test_role_cues() -> None:
    assert "sells" in roles_of("自治体向けにソフトを販売しています。")
    assert "learns" in roles_of("データ分析を学びたいです。")
    assert "brokers" in roles_of("売り手と買い手を仲介し、手数料をいただいています。")
    assert "needs" in roles_of("介護職員が不足しており、人材を探しています。")
    assert roles_of("子育て世帯の申請手続きをスマホで完結する形に作り替えました。") == frozenset()


def _seeker(sid: str, text: str) -> SeekerRecord:
    return SeekerRecord(id=sid, scheme="startup", text=text, remote="remote",
                        employment_forms=("procurement",))


def test_paraphrased_fit_outranks_traps_that_reuse_the_nouns() -> None:
    posting = PostingRecord(id="p", scheme="startup", text="介護現場の記録業務をデジタル化し、介護職員の負担を減らす介護DXを進めたい。",
                            remote="remote", employment_form="procurement")
    seekers = [
        _seeker("fit", "ケアの記録を音声入力で残せるアプリを開発し、ヘルパーの書類作業を一日一時間減らしました。"),
        _seeker("staff", "介護施設を運営する法人です。介護職員が不足しており、人材を探しています。"),
        _seeker("learner", "介護DXについて学びたいと思い、セミナーに参加している介護職員です。"),
        _seeker("other", "酒蔵で杜氏として日本酒を仕込んできました。"),
    ]
    engine = Engine(meaning=True).fit(seekers, [posting])
    ranked = [s.seeker_id for s in engine.top_k_for_posting("p", 4, explain=False)]
    assert ranked[0] == "fit"
    char = Engine(meaning=False, weights=__import__("marketplace.matching.scoring", fromlist=["Weights"]).Weights(
        role_keep=1.0)).fit(seekers, [posting])
    assert [s.seeker_id for s in char.top_k_for_posting("p", 4, explain=False)][0] != "fit"


def test_hub_max_is_the_best_cosine_and_the_same_alone_or_in_a_batch() -> None:
    from marketplace.matching.meaning import hub_max

    rng = np.random.default_rng(7)
    rows = rng.normal(size=(5, 300)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    anchors = np.vstack([rows[:2], rng.normal(size=(5000, 300))]).astype(np.float64)
    anchors /= np.linalg.norm(anchors, axis=1, keepdims=True)
    batch = hub_max(rows, anchors)
    assert np.allclose(batch[:2], 1.0, atol=1e-6) and (batch[2:] < 0.5).all()
    assert [float(hub_max(rows[i:i + 1], anchors)[0]) for i in range(5)] == batch.tolist()
    assert np.isnan(hub_max(rows, None)).all() and np.isnan(hub_max(rows, anchors[:0])).all()


def test_hub_correction_lowers_a_seeker_whose_text_fits_another_posting_better() -> None:
    from marketplace.matching.scoring import Weights

    postings = [
        PostingRecord(id="care", scheme="startup", text="介護現場の記録業務をデジタル化し、介護職員の負担を減らしたい。",
                      remote="remote", employment_form="procurement"),
        PostingRecord(id="farm", scheme="startup", text="農作物の生育データを集めて、スマート農業を進めたい。",
                      remote="remote", employment_form="procurement"),
    ]
    seekers = [_seeker("carer", "介護記録のアプリを開発し、職員の書類作業を減らしました。"),
               _seeker("farmer", "農作物の生育データをセンサーで集め、スマート農業の仕組みを作りました。")]
    plain = Engine(meaning=True, weights=Weights(t_hub=0.0)).fit(seekers, postings)
    corrected = Engine(meaning=True).fit(seekers, postings)
    assert corrected.vectorizer.hub_anchors["startup"][1].shape[0] == 2  # type: ignore[attr-defined]

    def score(engine: Engine, sid: str, pid: str) -> float:
        return next(s.score for s in engine.top_k_for_posting(pid, 2, explain=False) if s.seeker_id == sid)

    # the farmer's best match is the farm posting: against the care posting the corrected score drops more
    # than the carer's (whose best match is the care posting itself)
    drop_farmer = score(plain, "farmer", "care") - score(corrected, "farmer", "care")
    drop_carer = score(plain, "carer", "care") - score(corrected, "carer", "care")
    assert drop_farmer > drop_carer
    before = {k: v[1].copy() for k, v in corrected.vectorizer.hub_anchors.items()}  # type: ignore[attr-defined]
    corrected.upsert_posting(dataclasses.replace(postings[0], id="care2"))
    assert all(np.array_equal(before[k], v[1])  # anchors are frozen between fits, like the IDF
               for k, v in corrected.vectorizer.hub_anchors.items())  # type: ignore[attr-defined]
