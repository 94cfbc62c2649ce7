"""Records: JSON mapping, coercion and constants."""
from __future__ import annotations

import datetime as dt

import pytest

from marketplace.matching.records import (
    IPA_LEVEL4_EXAMS, PostingRecord, SeekerRecord, posting_from_dict, seeker_from_dict, to_dict,
)


def test_from_dict_coerces_ids_codes_and_ignores_unknown_keys() -> None:
    rec = seeker_from_dict({"id": 12, "scheme": "side_job", "prefecture": 1, "work_prefectures": [13, "27"],
                            "available_from": "2026-05-01", "favourite_colour": "blue"})
    assert rec.id == "12"
    assert rec.prefecture == "01"
    assert rec.work_prefectures == ("13", "27")
    assert rec.available_from == dt.date(2026, 5, 1)
    assert rec.skills == () and rec.monthly_fee_min is None


def test_round_trip_through_dict() -> None:
    rec = PostingRecord(id="p1", scheme="startup", text="防災", skills=("防災",), municipality="202151",
                        employment_form="joint_development", capacity=1, start_date=dt.date(2026, 4, 1))
    assert posting_from_dict(to_dict(rec)) == rec
    assert to_dict(rec)["start_date"] == "2026-04-01"


def test_missing_id_is_an_error() -> None:
    with pytest.raises(ValueError):
        seeker_from_dict({"scheme": "adviser"})


def test_ipa_exams_constant() -> None:
    assert set(IPA_LEVEL4_EXAMS) == {"ST", "SA", "PM", "NW", "DB", "ES", "SM", "AU", "SC"}
    assert IPA_LEVEL4_EXAMS["SC"][0] == "情報処理安全確保支援士"
    assert SeekerRecord(id="x", scheme="adviser").remote == "either"
