"""Dates as offices write them (issue 16): 和暦, abbreviations, full-width digits, Excel serials."""
from __future__ import annotations

from datetime import date

import pytest

from marketplace.core.office_dates import DateProblem, parse, to_wareki


@pytest.mark.parametrize("text, expected", [
    ("2026-04-01", date(2026, 4, 1)), ("2026/4/1", date(2026, 4, 1)), ("2026.4.1", date(2026, 4, 1)),
    ("2026年4月1日", date(2026, 4, 1)), ("20260401", date(2026, 4, 1)),
    ("2026/4/1 0:00:00", date(2026, 4, 1)), ("2026-04-01T09:30", date(2026, 4, 1)),
    ("２０２６／４／１", date(2026, 4, 1)), ("２０２６年４月１日", date(2026, 4, 1)),
    ("令和8年4月1日", date(2026, 4, 1)), ("令和８年４月１日", date(2026, 4, 1)), ("令和 8 年 4 月 1 日", date(2026, 4, 1)),
    ("R8.4.1", date(2026, 4, 1)), ("R8/4/1", date(2026, 4, 1)), ("r08-04-01", date(2026, 4, 1)),
    ("Ｒ８．４．１", date(2026, 4, 1)), ("㋿8年4月1日", date(2026, 4, 1)), ("R8/4/1 0:00", date(2026, 4, 1)),
    ("令和元年5月1日", date(2019, 5, 1)), ("R1.5.1", date(2019, 5, 1)),
    ("平成31年4月30日", date(2019, 4, 30)), ("H31.4.30", date(2019, 4, 30)), ("㍻31年4月30日", date(2019, 4, 30)),
    ("平成元年1月8日", date(1989, 1, 8)), ("平成12年2月29日", date(2000, 2, 29)),
    ("昭和64年1月7日", date(1989, 1, 7)), ("S50.10.10", date(1975, 10, 10)),
    ("46113", date(2026, 4, 1)), ("46113.75", date(2026, 4, 1)), ("43586", date(2019, 5, 1)),
])
def test_accepted(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize("text, kind", [
    ("令和8年2月30日", "nonexistent"), ("R8.2.29", "nonexistent"), ("2026-02-29", "nonexistent"),
    ("2026-13-01", "nonexistent"), ("令和0年1月1日", "nonexistent"),
    ("平成31年5月1日", "era_range"), ("令和元年4月30日", "era_range"), ("平成元年1月7日", "era_range"),
    ("昭和64年1月8日", "era_range"), ("H32.1.1", "era_range"),
    ("来年", "format"), ("2026", "format"), ("R8.4", "format"), ("12345", "format"), ("99999", "format"),
    ("2026/4/1 foo", "format"), ("", "format"), ("X8.4.1", "format"), ("令和八年四月一日", "format"),
])
def test_refused(text, kind):
    with pytest.raises(DateProblem) as caught:
        parse(text)
    assert caught.value.kind == kind


def test_the_era_boundary_both_ways():
    assert parse("平成31年4月30日").toordinal() + 1 == parse("令和元年5月1日").toordinal()
    assert to_wareki(date(2019, 4, 30)) == "平成31年4月30日"
    assert to_wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert to_wareki(date(2026, 4, 1)) == "令和8年4月1日"
    assert parse(to_wareki(date(1989, 1, 8))) == date(1989, 1, 8)
