"""Key terms shown with suggestions name shared skills and topics, never filler words."""
from __future__ import annotations

from marketplace.matching.engine import Engine
from marketplace.matching.explain import is_filler, topic_nouns
from marketplace.matching.stoplist import KEY_TERM_STOPLIST
from tests.matching.matching_factories import posting, seeker

FILLER = {"こと", "づくり", "経験", "支援", "活用", "もの", "ため", "業務", "実施", "対応", "方"}


def test_stoplist_holds_the_filler_words() -> None:
    assert FILLER <= KEY_TERM_STOPLIST
    assert not is_filler("ガバメントクラウド", "ガバメントクラウド") and is_filler("こと", "こと")


def test_topic_nouns_drop_filler_and_keep_topics() -> None:
    nouns = topic_nouns("地域づくりのことを支援し、観光DXの経験を活用したもの。ガバメントクラウドへの移行と標準化のため。")
    assert not FILLER & set(nouns)
    assert {"観光", "dx", "クラウド", "標準化"} <= set(nouns)


def test_person_names_and_adverb_like_nouns_are_not_topics() -> None:
    nouns = topic_nouns("山田さんと一緒に、とき折り観光の企画を考えます")
    assert "山田" not in nouns and "観光" in nouns


def test_explanation_key_terms_share_real_topics_only() -> None:
    text_p = "地域づくりのことを支援していただきます。観光DXとデータ分析の経験を活用し、業務の実施と対応をお願いします。"
    text_s = "これまで地域づくりのことを支援してきた経験があります。観光DXとデータ分析を活用した業務の実施と対応が得意です。"
    need = posting(id="p", text=text_p, skills=("データ分析",))
    cand = seeker(id="s", text=text_s, skills=("データ分析",), years_experience=9.0)
    found = Engine().fit([cand], [need]).score_pair("s", "p")
    assert found is not None and found.reasons is not None
    terms = set(found.reasons.key_terms)
    assert terms and not terms & FILLER, terms
    assert {"観光", "DX"} <= terms or {"観光", "データ"} <= terms, terms
