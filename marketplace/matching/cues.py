"""Role and intent cues: does a text say its author *does* the work, or sells, learns, brokers it,
or is itself looking for people?

A seeker who shares a posting's topic words but writes that they sell the product, want to learn
about it, broker deals for a fee, or need staff themselves is not offering the work the posting
wants. These cues are general Japanese phrasings of those roles (not words of one data set); they are
matched on the NFKC-normalised text. The engine marks each record with a bit per role and lowers the
text part of a pair's score when the seeker shows a role that the posting does not ask for (the share
kept is ``scoring.Weights.role_keep``, data in ``blend.json``). Adding a phrase here changes matching for every scheme: keep phrases specific.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np

#: role -> regular expressions of phrases that show it.
ROLE_CUES: dict[str, tuple[str, ...]] = {
    # sells or distributes a product to the people the work is for
    "sells": (r"販売(して|する会社|する商社|代理店|店)", r"売って(い|き)", r"売り込", r"代理店", r"ディーラー",
              r"(卸す|卸売りする)商社", r"を扱う商社", r"(製品|ソフト|ライセンス|車両|設備)の?(営業|販売)",
              r"ショップの店長", r"販売している", r"販売する営業"),
    # wants to learn, is studying, or is only interested
    "learns": (r"学びたい", r"学んで(い|お)", r"学び始め", r"勉強中", r"勉強して(い|お)", r"受講中", r"教えてくれる",
               r"について学", r"興味があ", r"関心があ", r"してみたい", r"趣味"),
    # arranges deals between others for a fee
    "brokers": (r"仲介", r"紹介料", r"手数料", r"成約報酬", r"成功報酬", r"引き合わせ", r"取り次", r"紹介する代理",
                r"を紹介し"),
    # is itself looking for staff, buyers or suppliers (the posting's side of the market)
    "needs": (r"(人|人材|職員|スタッフ|職人|作業員|配達員|運転手|社員)を?(探して|募集して|募集中|募集しています)",
              r"(人手|人材|職員|運転手|大工)が(足りず|不足)", r"不足しており", r"(売却先|仕入れ?先|譲渡先|買い手)[^。、]{0,8}を探",
              r"困っています", r"後を継ぐ人がいない", r"手伝ってくれる"),
}
ROLES: tuple[str, ...] = tuple(ROLE_CUES)
_COMPILED = {role: re.compile("|".join(patterns)) for role, patterns in ROLE_CUES.items()}


def roles_of(text: str) -> frozenset[str]:
    """The roles a text's phrasing shows."""
    norm = unicodedata.normalize("NFKC", text or "")
    return frozenset(role for role, pattern in _COMPILED.items() if pattern.search(norm))


def role_mask(text: str) -> int:
    """Bit mask of :func:`roles_of` (bit i = ROLES[i])."""
    found = roles_of(text)
    return sum(1 << i for i, role in enumerate(ROLES) if role in found)


def role_masks(texts: Iterable[str]) -> np.ndarray:
    return np.array([role_mask(t) for t in texts], dtype=np.int64)


#: Roles a posting can itself ask for (a sales drive wants a seller); learning and needing staff never
#: make a seeker the one who does the work, whatever the posting says.
_POSTING_CAN_ASK = (1 << ROLES.index("sells")) | (1 << ROLES.index("brokers"))


def off_role(seeker_mask: np.ndarray, posting_mask: np.ndarray) -> np.ndarray:
    """True where the seeker shows a role that the posting does not ask for."""
    asked = posting_mask.astype(np.int64) & _POSTING_CAN_ASK
    return (seeker_mask.astype(np.int64) & ~asked) != 0
