"""Boilerplate sentences: learned from the fitted corpus, left out of every text channel, frozen for upserts."""
from __future__ import annotations

import numpy as np

from marketplace.matching.boilerplate import Boilerplate, sentence_keys
from marketplace.matching.text import TextVectorizer

CLOSING = "よろしくお願いいたします。"


def _corpus(n: int = 60) -> list[str]:
    topics = ["保育所の入所申請を{}件オンライン化しました。", "林業の機械化を{}年進めました。", "観光案内のサイトを{}件作りました。"]
    return [topics[i % 3].format(i) + (CLOSING if i % 2 else "") for i in range(n)]


def test_sentences_are_normalised_and_split_on_full_and_half_width_marks() -> None:
    assert sentence_keys("ＤＸを進めます。よろしく！\nＩＴ担当") == {"dxを進めます。", "よろしく!", "it担当"}
    assert sentence_keys("") == set()


def test_a_sentence_many_texts_repeat_is_boilerplate_and_is_stripped() -> None:
    b = Boilerplate().fit(_corpus())
    assert CLOSING in b.sentences
    assert "林業の機械化を1年進めました。" not in b.sentences  # one text only
    assert b.strip("林業の機械化を進めました。よろしくお願いいたします。") == "林業の機械化を進めました。"
    # compared after NFKC and lower case: a half-width variant is the same sentence
    assert b.strip("林業の機械化を進めました。よろしくお願いいたします｡") == "林業の機械化を進めました。"
    assert b.strip("ＧＩＳの導入。\nよろしくお願いいたします。") == "ＧＩＳの導入。\n"


def test_text_without_boilerplate_is_unchanged_and_boilerplate_only_text_is_kept_whole() -> None:
    b = Boilerplate().fit(_corpus())
    assert b.strip("除雪車の位置を地図に表示") == "除雪車の位置を地図に表示"
    assert b.strip(CLOSING) == CLOSING
    assert b.strip("") == ""


def test_a_small_corpus_learns_nothing() -> None:
    assert Boilerplate().fit(_corpus(20)).sentences == frozenset()
    assert Boilerplate().fit([CLOSING] * 49).sentences == frozenset()
    assert Boilerplate().fit([CLOSING] * 50).sentences == {CLOSING}


def test_the_share_threshold_scales_with_the_corpus() -> None:
    texts = ["定型文です。" + f"本文{i}。" for i in range(3)] + [f"本文{i}。" for i in range(3, 300)]
    assert Boilerplate().fit(texts).sentences == frozenset()  # 3 of 300 < 2 %
    assert Boilerplate(min_share=0.01).fit(texts).sentences == {"定型文です。"}


def test_the_vectorizer_drops_boilerplate_from_every_channel_and_transforms_like_fit() -> None:
    docs = _corpus()
    vec = TextVectorizer(meaning=True)
    matrix, dense = vec.fit_transform(docs)
    assert CLOSING in vec.boilerplate.sentences  # type: ignore[union-attr]
    plain, plain_dense = vec.transform(docs), vec.transform_dense(docs)
    assert (abs(matrix - plain) > 1e-6).nnz == 0
    assert np.allclose(dense, plain_dense, atol=1e-6)
    with_closing = vec.transform(["林業の機械化を進めました。" + CLOSING])
    without = vec.transform(["林業の機械化を進めました。"])
    assert (abs(with_closing - without) > 1e-6).nnz == 0
    assert np.allclose(vec.transform_dense(["林業の機械化を進めました。" + CLOSING]),
                       vec.transform_dense(["林業の機械化を進めました。"]))
    off = TextVectorizer(boilerplate=False)
    off.fit(docs)
    assert (abs(off.transform(["林業の機械化を進めました。" + CLOSING])
                - off.transform(["林業の機械化を進めました。"])) > 1e-6).nnz > 0
