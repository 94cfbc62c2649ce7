"""Words never shown as a "key term" of a suggestion: filler that any two texts share.

Data only (the explanation code reads it). Entries are Sudachi normalized forms, lower case;
a term is dropped when its normalized form or its surface is listed. Parts of speech that
never name a topic (adverb-like, counter-like and adjective-like nouns, person names) are
dropped by ``KEY_TERM_SKIPPED_POS`` as well, so the list only needs the nouns that slip through.
"""
from __future__ import annotations

#: Generic nouns: form words, "experience / support / use" verbs-as-nouns, domain-wide words.
KEY_TERM_STOPLIST: frozenset[str] = frozenset("""
こと 事 もの 物 ため 為 とき 時 ところ 所 よう 様 わけ はず ほう 方 かた 人 者 方々 皆様 皆さん
づくり 作り 造り つくり 作る 化 的 性 等 など 系 型 面 点 際 中 上 下 前 後 他 外 内 間 頃 毎 各 全体 部分 一部 全て 全部
経験 実務 実務経験 経歴 キャリア 支援 活用 実施 対応 担当 業務 仕事 作業 取り組み 取組 取組み 関与 従事 貢献 参画 参加
推進役 役割 立場 分野 領域 範囲 内容 方法 手法 形 形式 状況 現場 現状 課題 問題 目的 目標 成果 結果 実績 効果
必要 大切 重要 丁寧 簡単 様々 色々 多く 多数 一緒 以上 以下 程度 年 年間 年数 数年 十年 年以上 月 日 時間 今回 現在
これまで 今後 将来 最近 以前 前職 今 自分 私 わたし 当社 弊社 御社 貴社 本社 会社 企業 法人 団体 組織 機関
地域 地方 地元 市町村 自治体 行政 都道府県 県 市 町 村 役場 庁内 全国 国 人材 募集 応募 求人 案件 事業者 皆
意欲 関心 興味 希望 強み 知見 知識 能力 スキル 力 センス 姿勢 思い 気持ち 声 話 相談 調整 連携 協力 チーム リーダー
""".split())

#: Noun subtypes that never name a topic.
KEY_TERM_SKIPPED_POS: tuple[tuple[str, ...], ...] = (
    ("名詞", "普通名詞", "副詞可能"), ("名詞", "普通名詞", "助数詞可能"), ("名詞", "普通名詞", "形状詞可能"),
    ("名詞", "固有名詞", "人名"), ("名詞", "数詞"),
)
