"""Hypothesis strategies: hostile values for a field, and a whole hostile submission of a form.

Each field of a form is, independently, filled with a plausible value (so that the hostile ones
reach deep validation and storage), a hostile value, several values at once, or left out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from hypothesis import strategies as st

from tests.fuzz.corpus import BLNS, DATES, JAPANESE, NUMBERS
from tests.fuzz.html_forms import FieldSpec, FormSpec

#: Longest generated field (characters); bodies stay under MAX_CONTENT_LENGTH.
LONG_MAX = 20_000

_pieces = st.sampled_from(JAPANESE + ("あ", "x", "𠮷", "ｱ", "①", "\u200b", "🍣", "<", "'", "%", "\x00"))
# Every category but lone surrogates, which no UTF-8 request can carry (codec="utf-8" leaves them out).
any_unicode = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40)
controls = st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Co"]),
                   min_size=1, max_size=12)
long_text = st.builds(lambda piece, n, tail: (piece * n)[:LONG_MAX] + tail, _pieces, st.integers(50, 5_000),
                      st.text(max_size=3))


def _rotated(values: tuple[str, ...], salt: int) -> st.SearchStrategy[str]:
    """``sampled_from`` starting at a point that depends on ``salt``: Hypothesis favours the first
    elements, so each route starts elsewhere in the list and the run sends more distinct values."""
    shift = salt % len(values)
    return st.sampled_from(values[shift:] + values[:shift])


@dataclass(frozen=True)
class Hostile:
    """The hostile strategies of one test (``salt``: e.g. a checksum of the endpoint)."""

    text: st.SearchStrategy[str]
    number: st.SearchStrategy[str]
    date: st.SearchStrategy[str]


@lru_cache(maxsize=None)
def hostile_for(salt: int = 0) -> Hostile:
    blns = _rotated(BLNS, salt)
    japanese = _rotated(JAPANESE, salt)
    listed = st.one_of(blns, japanese)
    mixed = st.lists(st.one_of(listed, st.text(max_size=5)), min_size=2, max_size=4).map("".join)
    wrapped = st.builds(lambda a, b, c: a + b + c, any_unicode, listed, controls)
    text = st.one_of(blns, japanese, any_unicode, controls, long_text, mixed, wrapped)
    number = st.one_of(_rotated(NUMBERS, salt), st.integers(-(10**30), 10**30).map(str),
                       st.floats(allow_nan=True, allow_infinity=True).map(repr), text)
    date = st.one_of(_rotated(DATES, salt), st.dates().map(lambda d: d.strftime("%Y/%m/%d")),
                     st.dates().map(str), text)
    return Hostile(text, number, date)


#: Any hostile string (tests that need no salt).
hostile_text = hostile_for(0).text

_NUMBER_NAMES = ("capacity", "months", "hours", "budget", "fee", "years", "compensation", "sessions", "fit",
                 "score", "page", "min_", "max_", "_id", "number", "count")
_DATE_NAMES = ("date", "deadline", "due", "_on", "_from", "start", "end")


def _looks_numeric(spec: FieldSpec) -> bool:
    return spec.kind == "number" or any(part in spec.name for part in _NUMBER_NAMES)


def _looks_date(spec: FieldSpec) -> bool:
    return spec.kind == "date" or any(part in spec.name for part in _DATE_NAMES)


def plausible(spec: FieldSpec) -> st.SearchStrategy[list[str]]:
    """A value a browser could send for this field."""
    if spec.options:
        pick = st.sampled_from(spec.options)
        return st.lists(pick, min_size=1, max_size=3, unique=True) if spec.multiple else pick.map(lambda v: [v])
    if spec.kind == "hidden" and spec.value:
        return st.just([spec.value])
    if spec.kind == "email" or "email" in spec.name:
        return st.just(["fuzz-new@example.jp"])
    if spec.kind == "url" or spec.name.endswith("url"):
        return st.just(["https://www.example.jp/boshu"])
    if _looks_date(spec):
        return st.sampled_from(["2026-04-01", "2026-06-30"]).map(lambda v: [v])
    if _looks_numeric(spec):
        return st.sampled_from(["1", "3", "12"]).map(lambda v: [v])
    return st.sampled_from(["テスト", "地域のDX推進", "高知 太郎"]).map(lambda v: [v])


def hostile(spec: FieldSpec, salt: int = 0) -> st.SearchStrategy[list[str]]:
    """Values the field should refuse, or accept and store intact."""
    strategies = hostile_for(salt)
    if spec.options:
        outside = st.one_of(
            st.sampled_from(spec.options).map(lambda v: v + "\u200b"),
            st.sampled_from(spec.options).map(lambda v: v.upper() + " "),
            strategies.text, strategies.number)
        return st.lists(outside, min_size=1, max_size=3)
    if _looks_date(spec):
        return strategies.date.map(lambda v: [v])
    if _looks_numeric(spec):
        return strategies.number.map(lambda v: [v])
    return st.one_of(strategies.text.map(lambda v: [v]), st.lists(strategies.text, min_size=2, max_size=3))


@dataclass
class Submission:
    """What one request sends: form fields (several values per name allowed) and the hostile ones."""

    fields: list[tuple[str, str]] = field(default_factory=list)
    hostile: dict[str, list[str]] = field(default_factory=dict)

    def as_multidict(self) -> dict[str, list[str]]:
        data: dict[str, list[str]] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        return data


@st.composite
def submissions(draw, form: FormSpec, extra_names: tuple[str, ...] = (), salt: int = 0) -> Submission:
    """A submission of ``form``: each field plausible, hostile, repeated or missing."""
    submission = Submission()
    for spec in form.fields.values():
        if spec.kind == "file":
            continue
        choice = draw(st.sampled_from(("plausible", "hostile", "hostile", "missing")))
        if choice == "missing":
            continue
        values = draw(plausible(spec) if choice == "plausible" else hostile(spec, salt))
        submission.fields += [(spec.name, v) for v in values]
        if choice == "hostile":
            submission.hostile[spec.name] = values
    for _ in range(draw(st.integers(0, 5))):  # fields the form does not have
        name = draw(st.one_of(st.sampled_from(extra_names or ("id",)), st.text(min_size=1, max_size=20)))
        if name in form.fields:
            continue
        value = draw(hostile_for(salt).text)
        submission.fields.append((name, value))
        submission.hostile.setdefault(name, []).append(value)
    return submission
