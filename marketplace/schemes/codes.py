"""The five matching schemes the marketplace serves, identified by stable codes."""
from __future__ import annotations

from enum import StrEnum


class SchemeCode(StrEnum):
    """Stable identifiers of the schemes; stored in the database."""

    ACCELERATOR = "accelerator"
    SIDE_JOB = "side_job"
    SUCCESSION = "succession"
    STARTUP = "startup"
    ADVISER = "adviser"


#: Japanese and English names of each scheme.
SCHEME_NAMES: dict[SchemeCode, tuple[str, str]] = {
    SchemeCode.ACCELERATOR: ("自治体DXアクセラレータ", "Municipal DX Accelerators"),
    SchemeCode.SIDE_JOB: ("副業・兼業（プロフェッショナル人材）", "Side-job professionals"),
    SchemeCode.SUCCESSION: ("事業承継", "Business succession"),
    SchemeCode.STARTUP: ("官民連携（スタートアップ）", "Startups and municipalities"),
    SchemeCode.ADVISER: ("アドバイザー派遣", "Advisers for municipalities"),
}


def scheme_name(code: str, locale: str = "ja") -> str:
    """Return the display name of a scheme in ``locale`` (``ja`` or ``en``)."""
    ja, en = SCHEME_NAMES[SchemeCode(code)]
    return en if locale == "en" else ja
