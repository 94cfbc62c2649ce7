"""What a person may write in a CSV cell for a coded value: the code, or its Japanese or English label."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import force_locale

from marketplace.matching.qualifications import ordered_codes
from marketplace.core.csv_io import normalise_header, split_list


def label_names(label: Any) -> set[str]:
    """A (lazy) label's text in Japanese and in English."""
    names = set()
    for language in ("ja", "en"):
        with force_locale(language):
            names.add(str(label))
    return names


class ValueIndex:
    """Maps code, Japanese or English label (ignoring width, case and spaces) to the code."""

    def __init__(self, pairs: Iterable[tuple[str, Iterable[str]]]) -> None:
        self._codes: dict[str, str] = {}
        for code, names in pairs:
            for name in (code, *names):
                self._codes.setdefault(normalise_header(str(name)), code)

    @classmethod
    def of_choices(cls, choices: Iterable[tuple[str, Any]]) -> "ValueIndex":
        return cls((code, label_names(label)) for code, label in choices)

    def get(self, text: str) -> str | None:
        return self._codes.get(normalise_header(text)) if text.strip() else None

    def many(self, text: str) -> tuple[list[str], list[str]]:
        """(codes, unknown items) of a list cell. Items are split on 、 ; and line breaks, and
        on commas only when the comma-free reading fails (English labels may hold commas)."""
        codes: list[str] = []
        unknown: list[str] = []
        for item in split_list(text):
            code = self.get(item)
            if code is not None:
                codes.append(code)
                continue
            parts = [p.strip() for p in re.split(r"[,，]", item) if p.strip()]
            found = [self.get(p) for p in parts]
            if len(parts) > 1 and all(found):
                codes.extend(c for c in found if c)
            else:
                unknown.append(item)
        return list(dict.fromkeys(codes)), unknown


class ExamValueIndex(ValueIndex):
    """A cell of IPA level-4 exams: codes and labels as above, and every way people write an exam
    (「プロジェクトマネージャ試験合格」, ＰＭ, 平成30年度 ＩＴストラテジスト試験, former names …), read by the
    normaliser the engine and the forms share (``marketplace.matching.qualifications``). An item that
    names no level-4 exam, or says it was not passed (「SC 午前免除」, 「PM 受験予定」), is unknown."""

    def get(self, text: str) -> str | None:
        code = super().get(text)
        if code is not None or not text.strip():
            return code
        found = ordered_codes([text])
        return found[0] if len(found) == 1 else None

    def many(self, text: str) -> tuple[list[str], list[str]]:
        codes, unknown = super().many(text)
        still: list[str] = []
        for item in unknown:
            found = ordered_codes([item])
            if found:
                codes.extend(found)
            else:
                still.append(item)
        return ordered_codes(codes), still


def index_of_choices(choices: Iterable[tuple[str, Any]], exams: bool = False) -> ValueIndex:
    """The value index of a coded field; ``exams`` for the IPA level-4 exam field."""
    return (ExamValueIndex if exams else ValueIndex).of_choices(choices)
