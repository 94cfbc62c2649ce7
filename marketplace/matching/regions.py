"""JIS X 0401 prefecture codes, their names and the eight regions used for partial location credit."""
from __future__ import annotations

REGIONS: tuple[str, ...] = ("北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州・沖縄")

_NAMES = (
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県 "
    "新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 "
    "奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県 長崎県 "
    "熊本県 大分県 宮崎県 鹿児島県 沖縄県"
).split()

#: Last prefecture number (inclusive) of each region, in REGIONS order.
_REGION_ENDS = (1, 7, 14, 23, 30, 35, 39, 47)

#: Prefecture code ("01".."47") -> Japanese name.
PREFECTURES: dict[str, str] = {f"{i:02d}": name for i, name in enumerate(_NAMES, start=1)}


def _region_table() -> dict[str, str]:
    table: dict[str, str] = {}
    start = 1
    for region, end in zip(REGIONS, _REGION_ENDS, strict=True):
        for number in range(start, end + 1):
            table[f"{number:02d}"] = region
        start = end + 1
    return table


#: Prefecture code -> region name.
PREFECTURE_REGION: dict[str, str] = _region_table()

#: Region name -> small integer id (used in vectorised comparisons).
REGION_INDEX: dict[str, int] = {name: i for i, name in enumerate(REGIONS)}


def region_of(prefecture: str | None) -> str | None:
    """Return the region of a prefecture code, or None for None/unknown codes."""
    if prefecture is None:
        return None
    return PREFECTURE_REGION.get(prefecture)


def prefecture_of_municipality(municipality: str | None) -> str | None:
    """The first two digits of a 全国地方公共団体コード are the prefecture code."""
    if municipality is None or len(municipality) < 2:
        return None
    code = municipality[:2]
    return code if code in PREFECTURES else None


def effective_prefecture(prefecture: str | None, municipality: str | None) -> str | None:
    """The stated prefecture, else the one implied by the municipality code."""
    if prefecture in PREFECTURES:
        return prefecture
    return prefecture_of_municipality(municipality)


def same_region(a: str | None, b: str | None) -> bool:
    """True when both codes are known and lie in the same region."""
    ra, rb = region_of(a), region_of(b)
    return ra is not None and ra == rb
