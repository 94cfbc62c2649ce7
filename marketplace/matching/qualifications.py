"""IPA level-4 (advanced) exams as people write them: one table of names, one normaliser.

Pure Python on purpose (only ``re`` and ``unicodedata``): the engine's eligibility rule,
the web forms and the CSV import all use it, and the web side must stay cheap to import.

What is recognised, for each of the nine exams in ``EXAMS``:

* the code (``PM``, ``SC`` …), the official Japanese name, the English name, common short
  names (ネスペ, セキスペ …) and former names of the same exam lineage;
* with or without 試験 / 合格 / 取得 / 登録 / 年度, a year (2019年, 平成30年度, 令和元年, H30, R5),
  a season (春期, 秋期), an ``IPA`` or 情報処理技術者試験 prefix, a registration number;
* full- or half-width, any case, spaces, 長音 (マネージャ / マネージャー / マネジャー), 中黒;
* lists (、 , ; / newline) and, in free text, names followed by 試験 / 合格 / 取得 / 登録.

What is not: other exams (基本情報技術者, 応用情報技術者, 情報セキュリティマネジメント, PMP …),
a code inside a longer word (``PMP``, ``PMO``, ``DB2``, ``AWS SA``), and statements that the
exam was not (yet) passed (不合格, 受験予定, 勉強中, 午前免除 …).

Lineage (former names). IPA renamed several exams: in 2009 (平成21年度) システムアナリスト and
上級システムアドミニストレータ became ITストラテジスト, アプリケーションエンジニア became
システムアーキテクト, and the テクニカルエンジニア（ネットワーク／データベース／エンベデッドシステム／
システム管理／情報セキュリティ） exams became ネットワーク／データベース／エンベデッドシステム
スペシャリスト, ITサービスマネージャ and 情報セキュリティスペシャリスト; in 2016 (平成28年度)
情報セキュリティスペシャリスト was replaced by 情報処理安全確保支援士. Earlier names of the same
exams (オンライン情報処理技術者, マイコン応用システムエンジニア, システム運用管理エンジニア,
情報処理システム監査技術者) are included too. Names whose successor is not one exam (特種情報処理技術者)
or that were not level 4 (情報セキュリティアドミニストレータ, 初級システムアドミニストレータ) are not.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class IpaExam:
    """One IPA level-4 exam: its code, names and the other ways people write it."""

    code: str
    name_ja: str
    name_en: str
    abbreviations: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    other_names: tuple[str, ...] = ()  # English variants, short names


#: The nine level-4 exams (order as in ``records.IPA_LEVEL4_EXAMS``).
EXAMS: tuple[IpaExam, ...] = (
    IpaExam("ST", "ITストラテジスト", "IT Strategist", ("ST",),
            former_names=("システムアナリスト", "上級システムアドミニストレータ"),
            other_names=("Information Technology Strategist", "Systems Analyst", "Senior Systems Administrator")),
    IpaExam("SA", "システムアーキテクト", "Systems Architect", ("SA",),
            former_names=("アプリケーションエンジニア",),
            other_names=("System Architect", "Application Systems Engineer")),
    IpaExam("PM", "プロジェクトマネージャ", "Project Manager", ("PM",),
            other_names=("Project Manager Examination",)),
    IpaExam("NW", "ネットワークスペシャリスト", "Network Specialist", ("NW",),
            former_names=("テクニカルエンジニア（ネットワーク）", "オンライン情報処理技術者"),
            other_names=("Technical Engineer (Network)", "ネスペ")),
    IpaExam("DB", "データベーススペシャリスト", "Database Specialist", ("DB",),
            former_names=("テクニカルエンジニア（データベース）",),
            other_names=("Technical Engineer (Database)", "デスペ")),
    IpaExam("ES", "エンベデッドシステムスペシャリスト", "Embedded Systems Specialist", ("ES",),
            former_names=("テクニカルエンジニア（エンベデッドシステム）", "マイコン応用システムエンジニア"),
            other_names=("Embedded System Specialist", "Technical Engineer (Embedded Systems)", "エンベデッドスペシャリスト",
                         "エスペ")),
    IpaExam("SM", "ITサービスマネージャ", "IT Service Manager", ("SM",),
            former_names=("テクニカルエンジニア（システム管理）", "システム運用管理エンジニア"),
            other_names=("Technical Engineer (System Management)",)),
    IpaExam("AU", "システム監査技術者", "Systems Auditor", ("AU",),
            former_names=("情報処理システム監査技術者",),
            other_names=("System Auditor", "シス監")),
    IpaExam("SC", "情報処理安全確保支援士", "Registered Information Security Specialist", ("SC",),
            former_names=("情報セキュリティスペシャリスト", "テクニカルエンジニア（情報セキュリティ）"),
            other_names=("Information Security Specialist", "Technical Engineer (Information Security)", "RISS",
                         "登録セキスペ", "セキスペ", "Information Processing Safety Assurance Supporter")),
)

EXAM_BY_CODE: dict[str, IpaExam] = {e.code: e for e in EXAMS}

#: Words that say the exam was not passed; an item or clause holding one names no exam.
NEGATIONS: tuple[str, ...] = (
    "不合格", "受験予定", "受験中", "受験済", "勉強中", "学習中", "挑戦中", "目指", "めざ", "予定", "免除", "未取得",
    "落ち", "NOTPASSED", "FAILED", "STUDYING", "PLANNED", "PREPARING",
)

#: Decorations that never change which exam is meant (folded form; longest first).
_DECORATIONS: tuple[str, ...] = tuple(sorted((
    "情報処理技術者試験", "情報処理技術者", "情報処理推進機構", "高度情報処理技術者", "高度試験", "国家試験", "国家資格",
    "試験区分", "試験", "合格者", "合格", "取得済み", "取得済", "取得", "登録済み", "登録済", "登録者", "登録", "資格",
    "保有", "区分", "春期", "秋期", "年度", "レベル4", "LEVEL4",
    "IPA", "EXAMINATION", "EXAM", "PASSED", "CERTIFIED", "CERTIFICATION", "REGISTERED",
), key=len, reverse=True))

_BRACKETS = str.maketrans({"「": "(", "」": ")", "『": "(", "』": ")", "【": "(", "】": ")", "〔": "(", "〕": ")",
                           "［": "(", "］": ")", "[": "(", "]": ")", "〈": "(", "〉": ")", "《": "(", "》": ")"})
_DROP = re.compile(r"[\s\u30fc\u2010-\u2015\u2212\-・･·_.。'’`\"“”:：]+")
_YEAR = re.compile(
    r"(?<![A-Z])(?:平成|令和|昭和|H|R|S)(?:\d{1,2}|元|[〇一二三四五六七八九十]{1,3})(?:年度|年)?"
    r"|(?:19|20)\d{2}(?:年度|年)?|\d{1,2}(?:年度|年|月)|第\d+(?:回|号)|登録番号第?\d+号?|NO\d+|[春秋]期?")
_STRONG_SPLIT = re.compile(r"[、，,;；/／|｜\n\r]+")
_WEAK_SPLIT = re.compile(r"[()\s・･&＆+＋]+")


def fold(text: str) -> str:
    """NFKC, upper case, brackets unified to ASCII; spaces, 長音, dashes and 中黒 dropped."""
    text = unicodedata.normalize("NFKC", text).translate(_BRACKETS).upper()
    return _DROP.sub("", text)


def _strip_decorations(folded: str) -> str:
    text = _YEAR.sub("", folded)
    for word in _DECORATIONS:
        text = text.replace(word, "")
    return text.replace("()", "").strip("()")


def _key(text: str) -> str:
    """The lookup key of one entry: folded, undecorated, without brackets."""
    return _strip_decorations(fold(text)).replace("(", "").replace(")", "")


def _aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for exam in EXAMS:
        names = (exam.code, exam.name_ja, exam.name_en) + exam.abbreviations + exam.former_names + exam.other_names
        for name in names:
            key = _key(name)
            if key in out and out[key] != exam.code:
                raise ValueError(f"{name!r} names two exams")
            out[key] = exam.code
    return out


#: Folded, undecorated name -> code.
ALIASES: dict[str, str] = _aliases()
_ABBREVIATIONS = frozenset(a for e in EXAMS for a in (e.code,) + e.abbreviations)
#: Names long enough to look for inside sentences (never the two-letter codes), longest first.
_TEXT_NAMES: tuple[tuple[str, str], ...] = tuple(sorted(
    ((k, c) for k, c in ALIASES.items() if k not in _ABBREVIATIONS and len(k) >= 4 and not k.isascii()),
    key=lambda kc: len(kc[0]), reverse=True))
#: Names that are never a job title, so they count in free text without 試験 / 合格 next to them.
_DISTINCTIVE = frozenset(_key(n) for n in (
    "情報処理安全確保支援士", "登録セキスペ", "テクニカルエンジニア(ネットワーク)", "テクニカルエンジニア(データベース)",
    "テクニカルエンジニア(エンベデッドシステム)", "テクニカルエンジニア(システム管理)",
    "テクニカルエンジニア(情報セキュリティ)", "上級システムアドミニストレータ", "システム監査技術者",
    "情報処理システム監査技術者", "オンライン情報処理技術者", "マイコン応用システムエンジニア", "システム運用管理エンジニア",
))
_CONTEXT_AFTER = re.compile(r"^(?:に|を|の|へ|は|も)?(?:試験|合格|取得|登録|資格)")
_FILLER = re.compile(r"[第\d号回番]*")
_CONTEXT_BEFORE = ("IPA", "情報処理技術者試験", "情報処理技術者", "高度試験")
_NEGATION_FOLDED = tuple(fold(n) for n in NEGATIONS)


def _negated(folded: str) -> bool:
    return any(n in folded for n in _NEGATION_FOLDED)


def _resolve_piece(raw: str) -> frozenset[str] | None:
    """Codes of one list item: the whole item, else every bracket / space part naming an exam."""
    folded = fold(raw)
    if not folded or _negated(folded):
        return None
    key = _key(raw)
    if key in ALIASES:
        return frozenset({ALIASES[key]})
    parts = [p for p in _WEAK_SPLIT.split(unicodedata.normalize("NFKC", raw).translate(_BRACKETS)) if p.strip()]
    if len(parts) < 2:
        return None
    codes: set[str] = set()
    for part in parts:
        rest = _key(part)
        if _FILLER.fullmatch(rest):
            continue  # "合格", "2019年", "登録番号" …
        if rest not in ALIASES:
            return None  # "AWS SA": one part is something else, so the code is not the exam's
        codes.add(ALIASES[rest])
    return frozenset(codes) or None


def _in_sentence(text: str) -> set[str]:
    """Exam names inside free text, with 試験 / 合格 … next to them unless the name is distinctive."""
    codes: set[str] = set()
    for clause in re.split(r"[。\n\r、,，;；]+", text):
        folded = _YEAR.sub("", fold(clause)).replace("(", "").replace(")", "")
        if _negated(folded):
            continue
        taken: list[tuple[int, int]] = []
        for name, code in _TEXT_NAMES:
            start = folded.find(name)
            while start >= 0:
                end = start + len(name)
                inside = any(s <= start and end <= e for s, e in taken)
                before = folded[max(0, start - 12):start]
                if not inside and (name in _DISTINCTIVE or _CONTEXT_AFTER.match(folded[end:])
                                   or any(before.endswith(b) for b in _CONTEXT_BEFORE)):
                    codes.add(code)
                    taken.append((start, end))
                start = folded.find(name, end)
    return codes


@lru_cache(maxsize=65536)
def codes_in(text: str) -> frozenset[str]:
    """IPA level-4 exam codes named in one qualification entry or one free-text field."""
    if not text or not text.strip():
        return frozenset()
    codes: set[str] = set()
    for item in _STRONG_SPLIT.split(text):
        found = _resolve_piece(item)
        if found:
            codes |= found
    return frozenset(codes | _in_sentence(text))


def exam_code(text: str) -> str | None:
    """The one exam a single entry names (``None`` when it names none or several)."""
    codes = codes_in(text)
    return next(iter(codes)) if len(codes) == 1 else None


def exam_codes(entries: Iterable[str]) -> frozenset[str]:
    """IPA level-4 exam codes among qualification entries (codes, names, or free text)."""
    codes: set[str] = set()
    for entry in entries:
        if isinstance(entry, str):
            codes |= codes_in(entry)
    return frozenset(codes)


def ordered_codes(entries: Iterable[str]) -> list[str]:
    """``exam_codes`` in table order, for storing and display."""
    found = exam_codes(entries)
    return [e.code for e in EXAMS if e.code in found]
