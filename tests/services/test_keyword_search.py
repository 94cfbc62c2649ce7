"""Keyword search through the trigram indexes finds exactly what the plain LIKE scan found, and the
indexes are used (SQLite: FTS5 trigram table; PostgreSQL: pg_trgm GIN index).

The reference is today's implementation: one ``search_text LIKE '%term%'`` per normalised term and
nothing else. The corpus mixes Japanese (kanji, hiragana, full- and half-width katakana), full-width
ASCII, upper case and the Big List of Naughty Strings; rows are then edited and deleted, so the
FTS5 triggers are exercised too. Queries: every BLNS line, hand-picked Japanese and width/case
cases, FTS5 syntax, LIKE wildcards, and seeded random substrings of the original (un-normalised)
texts of every length from 1 to 8 characters.
"""
from __future__ import annotations

import random
import unicodedata
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    CandidateProfile,
    Organisation,
    OrgKind,
    Posting,
    PostingStatus,
    Role,
    User,
    Visibility,
    utcnow,
)
from marketplace.models import search_index
from marketplace.postings.search import CandidateFilters, PostingFilters
from marketplace.core.text import search_key, search_terms
from tests.conftest import TEST_DATABASE_URL
from tests.fuzz.corpus import BLNS

JAPANESE_TEXTS = (
    "自治体DX推進のための業務改善プロジェクト。ガバメントクラウド移行を支援します。",
    "ｶﾞﾊﾞﾒﾝﾄｸﾗｳﾄﾞ移行とＤＸ人材の育成（半角カナと全角英数）",
    "販路開拓・ＥＣサイト構築。Ｅコマースの売上を２倍に。",
    "事業承継を考える高知の老舗旅館。観光客向けの新サービス企画。",
    "農業法人の生成AI活用、スマート農業と食品加工の6次産業化。",
    "長野県で脱炭素・再生可能エネルギーの人事制度づくり",
    "Ｐｙｔｈｏｎ／ＳＱＬによるデータ分析、ダッシュボード構築",
    "ウェブマーケティング　ＳＮＳ運用　広報（全角スペース入り）",
    "100％ 達成の 50_% 割引 と a%b と a_b の違い",
    "\"引用符\" と 'single' と NEAR(a b) と AND OR NOT と * ^ - : の記号",
    "ｱｲｳｴｵ ｶｷｸｹｺ ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ 〜 ～ ~ 範囲記号",
    "𠮷野家と𩸽（サロゲートペア）と①②③（機種依存文字）",
    "Straße GROSS İstanbul ǅungla ﬁnance ＫＥＬＶＩＮ K",
    "観光",
    "DX",
    "ec",
    "ぁあぃいぅう",
)
JAPANESE_QUERIES = (
    "観", "観光", "観光客", "ＤＸ", "dx", "DX推進", "ｄｘ推進", "ｶﾞﾊﾞﾒﾝﾄ", "ガバメント", "ガバメントクラウド",
    "がばめんと", "ＥＣ", "EC サイト", "ecサイト", "Ｅコマース", "eコマース", "高知 旅館", "高知 旅", "旅 館",
    "python", "ＰＹＴＨＯＮ", "Python／SQL", "python/sql", "sql", "ＳＱＬ", "SNS 運用", "ｓｎｓ運用",
    "100%", "50_%", "a%b", "a_b", "%", "_", "__", "%%%", "/", "//", "/%", "\"", "\"\"", "\"引用符\"", "'single'",
    "NEAR(a b)", "near", "AND", "OR", "NOT", "and or", "*", "^", "-", ":", "*観光", "観光*", "^観光", "-観光",
    "search_text:観光", "{search_text}: 観光", "ｱｲｳ", "アイウ", "ﾊﾟﾋﾟﾌﾟ", "パピプ", "〜", "~", "～ 範囲", "範囲記号",
    "𠮷野家", "𠮷", "𩸽", "①②③", "123", "1", "straße", "STRASSE", "gross", "istanbul", "i̇stanbul", "ǆungla",
    "finance", "ﬁnance", "kelvin", "ぁあぃ", "ぃいぅ", "  観光  ", "観光　客", "", " ", "x" * 60, "観光" * 30,
)


def _texts() -> list[str]:
    blns = [line for line in BLNS if "\x00" not in line]
    return list(JAPANESE_TEXTS) + blns[::3] + [a + " " + b for a, b in zip(JAPANESE_TEXTS, blns[1::7])]


def _queries(texts: list[str]) -> list[str]:
    rng = random.Random(13)
    queries = list(JAPANESE_QUERIES) + list(BLNS)
    for _ in range(400):
        text = rng.choice(texts)
        length = rng.randint(1, 8)
        start = rng.randint(0, max(len(text) - length, 0))
        queries.append(text[start:start + length])
    for _ in range(100):  # two terms from different places of one text
        text = rng.choice(texts)
        queries.append(text[rng.randint(0, len(text)):][:rng.randint(2, 5)] + " "
                       + text[rng.randint(0, len(text)):][:rng.randint(1, 4)])
    # The app refuses NUL in any request value (security.py), and PostgreSQL cannot hold it.
    return [q for q in queries if "\x00" not in q]


def _reference(model, base: sa.Select, q: str) -> sa.Select:
    """Today's implementation: a LIKE per term, no index."""
    for term in search_terms(q):
        base = base.where(model.search_text.contains(term, autoescape=True))
    return base


@pytest.fixture
def corpus(app_ctx):
    """Published postings and public candidate profiles with the corpus texts; some edited, some deleted."""
    texts = _texts()
    org = Organisation(name="検索テスト市", kind=OrgKind.MUNICIPALITY, prefecture_code="39", verified=True)
    db.session.add(org)
    db.session.flush()
    now = utcnow()
    postings, profiles = [], []
    for i, text in enumerate(texts):
        posting = Posting(organisation_id=org.id, scheme="side_job", posting_type="project", title=text[:200],
                          description=text, prefecture_code="39", status=PostingStatus.PUBLISHED,
                          published_at=now - timedelta(minutes=i), search_text=search_key(text[:200], text))
        user = User(email=f"search-{i}@example.jp", password_hash="x", role=Role.CANDIDATE, display_name=text[:100])
        profile = CandidateProfile(user=user, self_intro=text, visibility=Visibility.PUBLIC_SUMMARY,
                                   search_text=search_key(text[:100], text))
        postings.append(posting)
        profiles.append(profile)
    db.session.add_all(postings + profiles)
    db.session.commit()
    # Edits and deletions go through the FTS5 triggers on SQLite.
    rng = random.Random(7)
    for row in rng.sample(postings, 40) + rng.sample(profiles, 40):
        replacement = rng.choice(texts)
        row.search_text = search_key(replacement, "編集済み")
    for row in rng.sample(postings, 20):
        db.session.delete(row)
    db.session.commit()
    return texts


def _ids(query: sa.Select) -> list[int]:
    return list(db.session.scalars(query.with_only_columns(query.selected_columns[0].table.c.id)))


def _compare_all(texts: list[str]) -> tuple[int, int, int]:
    """Compare the indexed search with the reference for every query; returns (queries, with hits, indexed)."""
    queries = _queries(texts)
    hits = indexed = 0
    mismatches = []
    for q in queries:
        for filters, model, base in (
                (PostingFilters(q=q), Posting, PostingFilters()),
                (CandidateFilters(q=q), CandidateProfile, CandidateFilters())):
            if isinstance(filters, PostingFilters):
                got, want = _ids(filters.query()), _ids(_reference(model, base.query(), q))
            else:
                visibilities = tuple(Visibility)
                got = _ids(filters.query(visibilities))
                want = _ids(_reference(model, base.query(visibilities), q))
            if got != want:
                mismatches.append((q, model.__name__, len(got), len(want)))
            hits += bool(want)
        indexed += any(search_index.indexable(t) for t in search_terms(q))
    assert not mismatches, mismatches[:20]
    return len(queries), hits, indexed


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite variant; the PostgreSQL one is below")
def test_fts5_search_equals_like_scan_on_sqlite(corpus):
    assert db.engine.dialect.name == "sqlite"
    total, hits, indexed = _compare_all(corpus)
    print(f"\n{total} queries, {hits} posting/candidate result lists with hits, {indexed} queries narrowed by FTS5")
    assert total > 1000 and hits > 600 and indexed > 500


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_trigram_index_search_equals_seq_scan_on_postgresql(corpus):
    """On PostgreSQL the search runs the same LIKEs and the planner picks the index. So each query's
    LIKEs run twice: with only the GIN index available (sequential and plain index scans off), then
    with bitmap scans off (a sequential scan). Then the list queries are checked against the reference."""
    def keyword_ids(model, q: str) -> list[int]:
        return _ids(_reference(model, sa.select(model).order_by(model.id), q))

    queries = _queries(corpus)
    db.session.execute(sa.text("SET enable_seqscan = off"))
    db.session.execute(sa.text("SET enable_indexscan = off"))
    for model, index in ((Posting, "ix_postings_search_text_trgm"),
                         (CandidateProfile, "ix_candidate_profiles_search_text_trgm")):
        plan = _explain(_reference(model, sa.select(model.id), "ガバメントクラウド"))
        assert index in plan, plan
    through_index = {q: (keyword_ids(Posting, q), keyword_ids(CandidateProfile, q)) for q in queries}
    db.session.execute(sa.text("RESET enable_seqscan"))
    db.session.execute(sa.text("RESET enable_indexscan"))
    db.session.execute(sa.text("SET enable_bitmapscan = off"))
    assert "trgm" not in _explain(_reference(Posting, sa.select(Posting.id), "ガバメントクラウド"))
    mismatches = []
    hits = 0
    for q in queries:
        scanned = (keyword_ids(Posting, q), keyword_ids(CandidateProfile, q))
        hits += bool(scanned[0]) + bool(scanned[1])
        if through_index[q] != scanned:
            mismatches.append(q)
    db.session.execute(sa.text("RESET enable_bitmapscan"))
    assert not mismatches, mismatches[:20]
    assert _compare_all(corpus)[0] == len(queries)
    print(f"\n{len(queries)} queries, {hits} result lists with hits")
    assert len(queries) > 1000 and hits > 600


def _explain(query: sa.Select) -> str:
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    rows = db.session.connection().exec_driver_sql(prefix + str(compiled).replace("%", "%%")).all()
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


def test_indexes_are_used_for_postings_and_candidates(app_ctx):
    """EXPLAIN: the planner reads the trigram index for a three-character-or-longer term, not for a shorter one."""
    org = Organisation(name="計画テスト市", kind=OrgKind.MUNICIPALITY, prefecture_code="39", verified=True)
    db.session.add(org)
    db.session.flush()
    now = utcnow()
    rng = random.Random(3)
    words = ("観光", "農業", "自治体", "販路開拓", "事業承継", "人事制度", "脱炭素", "食品加工", "広報", "ＳＮＳ")
    rows = []
    for i in range(3000):
        text = " ".join(rng.choice(words) for _ in range(12)) + f" 案件{i:05d}"
        rows.append({"organisation_id": org.id, "scheme": "side_job", "posting_type": "project", "title": text[:40],
                     "description": text, "prefecture_code": "39", "status": PostingStatus.PUBLISHED,
                     "published_at": now - timedelta(minutes=i), "search_text": search_key(text), "remote": "onsite",
                     "filled": 0, "skills": [], "categories": [], "details": {}, "confidential": {},
                     "review_comment": "", "categories_key": "", "created_at": now, "updated_at": now})
    db.session.execute(sa.insert(Posting), rows)
    users = [{"email": f"plan-{i}@example.jp", "password_hash": "x", "role": Role.CANDIDATE,
              "display_name": "", "locale": "ja", "session_token": f"t{i}", "active": True, "created_at": now}
             for i in range(3000)]
    db.session.execute(sa.insert(User), users)
    user_ids = db.session.scalars(sa.select(User.id).where(User.email.like("plan-%"))).all()
    db.session.execute(sa.insert(CandidateProfile), [
        {"user_id": uid, "search_text": rows[i]["search_text"], "visibility": Visibility.PUBLIC_SUMMARY,
         "remote": "either", "work_prefectures": [], "employment_forms": [], "skills": [], "qualifications": [],
         "other_qualifications": "", "self_intro": "", "phone": "", "updated_at": now}
        for i, uid in enumerate(user_ids)])
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    if db.engine.dialect.name == "postgresql":
        posting_index, profile_index = "ix_postings_search_text_trgm", "ix_candidate_profiles_search_text_trgm"
    else:
        posting_index = profile_index = "VIRTUAL TABLE INDEX"
    # A rare term: the index finds the one row.
    posting_plan = _explain(PostingFilters(q="案件01234").query())
    profile_plan = _explain(CandidateFilters(q="案件01234").query(tuple(Visibility)))
    assert posting_index in posting_plan, posting_plan
    assert profile_index in profile_plan, profile_plan
    if db.engine.dialect.name == "sqlite":
        assert "postings_fts" in posting_plan and "candidate_profiles_fts" in profile_plan
    assert _ids(PostingFilters(q="案件01234").query()) == _ids(_reference(Posting, PostingFilters().query(), "案件01234"))
    assert len(_ids(PostingFilters(q="案件01234").query())) == 1
    # Two characters have no trigram: the plain scan answers (and FTS5 is not asked).
    assert "fts" not in _explain(PostingFilters(q="観光").query())
    assert len(_ids(PostingFilters(q="観光").query())) == len(_ids(_reference(Posting, PostingFilters().query(), "観光")))


def test_unicode_categories_of_indexable_terms():
    assert search_index.indexable("観光客") and search_index.indexable("dx推進")
    assert not search_index.indexable("観光") and not search_index.indexable("dx")
    assert not search_index.indexable("a\u200bb") and not search_index.indexable("abc\u202e")
    assert unicodedata.category("\u200b") == "Cf"
