"""Dates as Japanese offices write them in spreadsheets: pure parsing, no Flask.

Accepted (after NFKC, so full-width digits and letters, ㋿ and ㍻ count as their plain forms):

* Gregorian: ``2026-04-01``, ``2026/4/1``, ``2026.4.1``, ``2026年4月1日``, ``20260401``; a time
  part as Excel writes it (``2026/4/1 0:00:00``, ``2026-04-01T09:00``) is ignored.
* 和暦 (Japanese era): ``令和8年4月1日``, ``令和元年5月1日``, ``R8.4.1``, ``R8/4/1``, ``R08-04-01``,
  ``H31.4.30``, ``平成31年4月30日``, and 昭和 (S), 大正 (T), 明治 (M). The date must fall within
  the era: ``平成31年5月1日`` does not exist (it is 令和元年5月1日).
* Excel serial numbers (the number a date cell becomes when the sheet is saved without its
  format): whole numbers 20000–80000 (1954-10-03 to 2119-01-10), with an optional time fraction.

:func:`parse` returns a ``date`` or raises :class:`DateProblem` whose ``kind`` tells why.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    first_day: date
    last_day: date | None  # None: the current era


ERAS = (
    Era("令和", "R", date(2019, 5, 1), None),
    Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
    Era("大正", "T", date(1912, 7, 30), date(1926, 12, 24)),
    Era("明治", "M", date(1868, 1, 25), date(1912, 7, 29)),
)
_BY_NAME = {era.name: era for era in ERAS} | {era.letter: era for era in ERAS}

#: Excel's day 0 for serials after its fictitious 1900-02-29 (serial 60).
_EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIAL_MIN, EXCEL_SERIAL_MAX = 20000, 80000


class DateProblem(ValueError):
    """Why a text is not a date: ``kind`` is ``format``, ``nonexistent`` or ``era_range``."""

    def __init__(self, kind: str, text: str, era: Era | None = None) -> None:
        super().__init__(f"{kind}: {text}")
        self.kind, self.text, self.era = kind, text, era


_GREGORIAN = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ERA = re.compile(
    r"(令和|平成|昭和|大正|明治|[RHSTM])\s*\.?\s*(元|\d{1,2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?",
    re.IGNORECASE,
)
_TIME = re.compile(r"(?:[ T]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")


def normalise(text: str) -> str:
    """NFKC (full-width digits, ㋿ → 令和, ㍻ → 平成) and trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def _day(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateProblem("nonexistent", text) from None


def parse(text: str) -> date:
    """The date ``text`` means; raises :class:`DateProblem`."""
    original = text.strip()
    cleaned = normalise(text)
    if match := _ERA.fullmatch(cleaned.split(" ")[0]) or _ERA.fullmatch(cleaned):
        era = _BY_NAME[match[1].upper() if len(match[1]) == 1 else match[1]]
        era_year = 1 if match[2] == "元" else int(match[2])
        if era_year < 1:
            raise DateProblem("nonexistent", original)
        day = _day(original, era.first_day.year + era_year - 1, int(match[3]), int(match[4]))
        if day < era.first_day or (era.last_day is not None and day > era.last_day):
            raise DateProblem("era_range", original, era)
        return day
    head, tail = (re.split(r"(?=[ T]\s*\d{1,2}:)", cleaned, maxsplit=1) + [""])[:2]
    if not _TIME.fullmatch(tail):
        raise DateProblem("format", original)
    if match := _GREGORIAN.fullmatch(head):
        return _day(original, int(match[1]), int(match[2]), int(match[3]))
    if match := _COMPACT.fullmatch(head):
        return _day(original, int(match[1]), int(match[2]), int(match[3]))
    if (match := _SERIAL.fullmatch(head)) and not tail:
        serial = int(match[1])
        if EXCEL_SERIAL_MIN <= serial <= EXCEL_SERIAL_MAX:
            return _EXCEL_EPOCH + timedelta(days=serial)
    raise DateProblem("format", original)


def to_wareki(day: date) -> str:
    """``令和8年4月1日`` (元年 for the first year)."""
    for era in ERAS:
        if day >= era.first_day:
            year = day.year - era.first_day.year + 1
            return f"{era.name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"
