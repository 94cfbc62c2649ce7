"""Japanese normalisation, the width/case variant suite and places compared by code only."""
from __future__ import annotations

import pytest

from marketplace.matching.engine import Engine
from marketplace.matching.text import TextVectorizer, normalize_tag, normalize_text, word_tokens
from tests.matching.matching_factories import posting, seeker

CORPUS = [
    "自治体のDX推進を支援します", "システム開発の経験があります", "クラウド移行とセキュリティ監査",
    "販路拡大とECサイトの運営", "事業承継の後継者を募集", "防災アプリの実証実験", "脱炭素まちづくりの助言",
    "プロジェクトマネージャーとして従事", "データ分析とBIツール", "窓口のオンライン申請",
]
VARIANTS = [
    ("ＤＸ推進の計画策定", "DX推進の計画策定"),
    ("ｼｽﾃﾑ開発の経験", "システム開発の経験"),
    ("ＡＷＳでクラウド移行", "awsでクラウド移行"),
    ("Ｐｙｔｈｏｎによるデータ分析", "PYTHONによるデータ分析"),
    ("ｾｷｭﾘﾃｨ監査　３年〜５年", "セキュリティ監査 3年~5年"),
]


def _cosine(vec: TextVectorizer, a: str, b: str) -> float:
    x = vec.transform([a, b])
    return float((x[0] @ x[1].T).toarray()[0, 0])


def test_normalize_keeps_range_marks() -> None:
    assert normalize_text("経験３年～５年") == "経験3年〜5年"
    assert normalize_text("3年~5年") == "3年〜5年"
    assert normalize_text("3年〜5年") == "3年〜5年"
    assert normalize_tag(" Ｐｙｔｈｏｎ 3 ") == "python3"


@pytest.mark.parametrize("word_channel", [False, True])
@pytest.mark.parametrize(("a", "b"), VARIANTS)
def test_width_and_case_variants_are_near_identical(word_channel: bool, a: str, b: str) -> None:
    vec = TextVectorizer(word_channel=word_channel).fit(CORPUS + [a, b])
    assert _cosine(vec, a, b) >= 0.95
    assert _cosine(vec, a, "事業承継の後継者を募集") < 0.5


def test_sudachi_joins_spelling_variants_and_skips_particles() -> None:
    assert word_tokens("マネジャー") == word_tokens("マネージャー")
    tokens = word_tokens("自治体のDX推進を支援します")
    assert "の" not in tokens and "を" not in tokens and "自治体" in tokens


def test_word_channel_brings_spelling_variants_closer() -> None:
    a, b = "プロジェクトマネジャーの経験", "プロジェクトマネージャーの経験"
    char_only = _cosine(TextVectorizer(word_channel=False).fit(CORPUS + [a, b]), a, b)
    with_words = _cosine(TextVectorizer(word_channel=True).fit(CORPUS + [a, b]), a, b)
    assert with_words > char_only


def test_kyoto_posting_never_matches_tokyo_seeker_by_text() -> None:
    kyoto = posting(id="kyoto", text="京都府内の市町村でDX推進を担う人材を募集。京都府庁に勤務。", remote="onsite",
                    prefecture="26")
    tokyo = seeker(id="tokyo", text="東京都在住。京都府のDX推進を担いたい。東京都庁での勤務経験。", prefecture="13",
                   remote="onsite", work_prefectures=())
    local = seeker(id="local", text="自治体のDX推進とシステム調達を支援してきました。", prefecture="26", remote="onsite")
    engine = Engine().fit([tokyo, local], [kyoto])
    assert engine.text_similarity("tokyo", "kyoto") > engine.text_similarity("local", "kyoto")
    assert [s.seeker_id for s in engine.top_k_for_posting("kyoto", 10)] == ["local"]
    assert engine.score_pair("tokyo", "kyoto") is None
    assert engine.top_k_for_seeker("tokyo", 10) == []
