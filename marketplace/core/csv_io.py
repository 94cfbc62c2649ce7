"""CSV files that Excel opens, and uploads read safely.

Writing: UTF-8 with a BOM, CRLF line ends, every cell that a spreadsheet would run as a formula
(``= + - @``, tab, CR) prefixed with an apostrophe. Reading: UTF-8 (with or without BOM) or
Shift_JIS/cp932, strict quoting, headers matched in Japanese, English or by column code, size and
row limits. Uploaded text is carried from the preview to the commit as a signed, compressed token
(several workers share nothing but the secret key). No Flask request objects here.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from marketplace.core.domain_errors import DomainError

#: Largest accepted upload (bytes). The signed preview token must fit in a form field.
MAX_CSV_BYTES = 256 * 1024
#: Most data rows in one import.
MAX_ROWS = 1000
#: Longest signed token accepted back from the preview page (Flask's form fields stop at 500 kB).
MAX_TOKEN_CHARS = 450_000
#: How long a preview stays valid (seconds).
PREVIEW_MAX_AGE = 3600
#: Leading characters that make a spreadsheet treat a cell as a formula. Japanese Excel converts the
#: full-width forms (＝ ＋ － ＠, typed with the IME on) to their ASCII forms, so they count too.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
UTF8_BOM = "\ufeff"


class CsvFileError(DomainError):
    """The uploaded file as a whole cannot be read (encoding, quoting, size, headers)."""

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class RowError:
    """One problem in one row: the row number as a spreadsheet shows it (header = 1)."""

    row: int
    column: str
    message: str


@dataclass
class PreviewRow:
    """One data row as the preview shows it: a few summary cells and its errors."""

    number: int
    cells: list[str]
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportPreview:
    """Every row with its errors; ``ok`` only when no row has an error."""

    summary_headers: list[str]
    rows: list[PreviewRow]
    skipped_examples: list[int] = field(default_factory=list)  # example rows of the template, not imported

    @property
    def errors(self) -> list[RowError]:
        return [e for r in self.rows for e in r.errors]

    @property
    def ok(self) -> bool:
        return not self.errors


# --- writing -------------------------------------------------------------------------
def neutralise(text: str) -> str:
    """Prefix an apostrophe when a spreadsheet would run ``text`` as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise` on import, so that exported files come back unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text


def cell_text(value: object) -> str:
    """The text of one cell: empty for None, ISO dates, line breaks as LF inside a cell."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A whole CSV file as bytes: BOM, CRLF, formula cells neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell_text(h)) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell_text(c)) for c in row])
    return (UTF8_BOM + buffer.getvalue()).encode("utf-8")


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the real name as RFC 5987 ``filename*``."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", ascii_fallback) or "download.csv"
    return f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(filename, safe='')}"


# --- reading -------------------------------------------------------------------------
def decode_upload(data: bytes) -> str:
    """The text of an uploaded CSV: UTF-8 (BOM optional) tried strictly first, then cp932.

    Raises ``CsvFileError`` (413 for size; 400 for empty, NUL bytes or an unknown encoding).
    """
    if len(data) > MAX_CSV_BYTES:
        raise CsvFileError(_("ファイルが大きすぎます（上限%(kb)dKB）。ファイルを分けてアップロードしてください。",
                             kb=MAX_CSV_BYTES // 1024), 413)
    if not data.replace(b"\xef\xbb\xbf", b"").strip():
        raise CsvFileError(_("ファイルが空です。"))
    if b"\x00" in data:
        raise CsvFileError(_("ファイルにNUL文字が含まれています。CSV（UTF-8またはShift_JIS）で保存し直してください。"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        raise CsvFileError(_("文字コードを判別できません。UTF-8またはShift_JIS（CP932）のCSVで保存し直してください。")) from None


#: Characters that Shift_JIS round trips swap (wave dash, minus, dashes) folded to one form.
_CP932_FOLD = str.maketrans({"\u301c": "~", "\uff5e": "~", "\u2212": "-", "\u2014": "-", "\u2015": "-",
                             "\u2016": "\u2225"})


def normalise_header(text: str) -> str:
    """Headers and coded values compare without width, case, white-space and Shift_JIS dash differences."""
    folded = unicodedata.normalize("NFKC", text.replace(UTF8_BOM, "")).translate(_CP932_FOLD)
    return re.sub(r"\s+", "", folded).casefold()


@dataclass(frozen=True)
class CsvColumn:
    """A column an import understands: its code, the names a header may have, and whether it must be there."""

    key: str
    names: frozenset[str]
    required: bool = False
    ignored: bool = False  # exported for information only; read and dropped on import
    aliases: frozenset[str] = frozenset()  # weaker names: a header that is another column's name wins


@dataclass
class CsvRow:
    number: int
    values: dict[str, str]


@dataclass
class CsvTable:
    """Rows keyed by column code; ``errors`` holds problems found while splitting rows into cells."""

    columns: list[str]
    rows: list[CsvRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    examples: list[int] = field(default_factory=list)  # numbers of skipped example rows


#: A template's example row starts with this (in either language); the importer skips such rows.
EXAMPLE_MARKS = ("【記入例】", "[example]")


def example_mark(language: str) -> str:
    """The first cell of a template's example row."""
    return "【記入例】この行は取り込まれません" if language == "ja" else "[Example] this row is not imported"


def is_example_row(cells: Sequence[str]) -> bool:
    first = next((c for c in cells if c.strip()), "")
    folded = unicodedata.normalize("NFKC", first).strip().casefold()
    return any(folded.startswith(unicodedata.normalize("NFKC", mark).casefold()) for mark in EXAMPLE_MARKS)


def _clean_cell(text: str) -> str:
    return unneutralise(text.replace("\r\n", "\n").replace("\r", "\n").strip())


def read_table(text: str, columns: Sequence[CsvColumn], header_label: dict[str, str] | None = None) -> CsvTable:
    """Split ``text`` into rows keyed by column code.

    Raises ``CsvFileError`` for broken quoting, a header row that names no known column (usually a
    wrong encoding), unknown, duplicate or missing required headers, and too many rows.
    Blank lines are skipped; a row with more cells than headers is a row error.
    """
    by_name: dict[str, CsvColumn] = {}
    for column in columns:
        for name in column.aliases:
            by_name.setdefault(normalise_header(name), column)
    for column in columns:
        for name in column.names | {column.key}:
            by_name[normalise_header(name)] = column
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise CsvFileError(_("1行目に見出し（列名）がありません。"))
        keys: list[str | None] = []
        unknown: list[str] = []
        for raw in header:
            if not raw.strip():
                keys.append(None)
                continue
            column = by_name.get(normalise_header(raw))
            if column is None:
                unknown.append(raw.strip())
            keys.append(column.key if column else None)
        if all(k is None for k in keys):
            raise CsvFileError(_("見出し行を読み取れません。文字コード（UTF-8またはShift_JIS）と、テンプレートの見出しを使っているかを確認してください。"))
        if unknown:
            raise CsvFileError(_("不明な列があります: %(names)s", names="、".join(unknown[:10])))
        present = [k for k in keys if k]
        duplicated = sorted({k for k in present if present.count(k) > 1})
        if duplicated:
            labels = header_label or {}
            raise CsvFileError(_("同じ列が2回あります: %(names)s", names="、".join(labels.get(k, k) for k in duplicated)))
        missing = [c.key for c in columns if c.required and c.key not in present]
        if missing:
            labels = header_label or {}
            raise CsvFileError(_("必須の列がありません: %(names)s", names="、".join(labels.get(k, k) for k in missing)))
        table = CsvTable(columns=present)
        ignored = {c.key for c in columns if c.ignored}
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if is_example_row(cells):
                table.examples.append(number)
                continue
            if len(table.rows) >= MAX_ROWS:
                raise CsvFileError(_("行数が多すぎます（上限%(n)d行）。ファイルを分けてアップロードしてください。", n=MAX_ROWS), 413)
            extra = [c for c in cells[len(keys):] if c.strip()]
            if extra:
                table.errors.append(RowError(number, "", _("見出しより多くの列に値があります。")))
            values = {k: _clean_cell(c) for k, c in zip(keys, cells) if k and k not in ignored}
            table.rows.append(CsvRow(number, values))
    except csv.Error:
        raise CsvFileError(_("CSVの形式が正しくありません（%(line)d行目付近）。引用符（\"）の対応を確認してください。",
                             line=reader.line_num)) from None
    if not table.rows:
        raise CsvFileError(_("データの行がありません。"))
    return table


# --- carrying an upload from the preview to the commit --------------------------------
def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"csv-import:{purpose}")


def sign_upload(purpose: str, user_id: int, text: str) -> str:
    """A tamper-proof, compressed token holding ``text`` for ``user_id`` (and ``purpose`` only)."""
    token = _serializer(purpose).dumps({"u": user_id, "t": text})
    if len(token) > MAX_TOKEN_CHARS:
        raise CsvFileError(_("ファイルが大きすぎます（上限%(kb)dKB）。ファイルを分けてアップロードしてください。",
                             kb=MAX_CSV_BYTES // 1024), 413)
    return token


def read_signed_upload(purpose: str, user_id: int, token: str) -> str:
    """The text signed by :func:`sign_upload` for this user. Raises ``CsvFileError``."""
    expired = _("確認画面の有効期限が切れたか、内容が正しくありません。もう一度アップロードしてください。")
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise CsvFileError(expired)
    try:
        payload = _serializer(purpose).loads(token, max_age=PREVIEW_MAX_AGE)
    except (BadSignature, SignatureExpired, ValueError):
        raise CsvFileError(expired) from None
    if not isinstance(payload, dict) or payload.get("u") != user_id or not isinstance(payload.get("t"), str):
        raise CsvFileError(expired)
    return payload["t"]


# --- value parsing shared by imports -------------------------------------------------------
def split_list(text: str) -> list[str]:
    """Items of a list cell: separated by 、 ; ； or line breaks (commas are left to the caller)."""
    return [p.strip() for p in re.split(r"[、;；\n|｜]", text) if p.strip()]


def parse_int(text: str) -> int | None:
    """An integer written as Excel or a person would (全角, thousands separators, 円, ¥). None if not one."""
    cleaned = re.sub(r"[,\s円¥￥]", "", unicodedata.normalize("NFKC", text))
    if re.fullmatch(r"-?\d{1,12}", cleaned):
        return int(cleaned)
    if re.fullmatch(r"-?\d{1,12}\.0+", cleaned):  # Excel sometimes writes 4.0
        return int(cleaned.split(".")[0])
    return None


def parse_date(text: str) -> date | None:
    """A date as offices write it (``marketplace.core.office_dates``): ISO, 2026/4/1, 2026年4月1日,
    和暦 (令和8年4月1日, R8.4.1), Excel serial numbers. None if not a date."""
    from marketplace.core import office_dates

    try:
        return office_dates.parse(text)
    except office_dates.DateProblem:
        return None


def read_date(text: str) -> tuple[date | None, str | None]:
    """(the date, None) or (None, why not, in the user's language)."""
    from marketplace.core import office_dates

    try:
        return office_dates.parse(text), None
    except office_dates.DateProblem as problem:
        value = text.strip()[:40]
        if problem.kind == "nonexistent":
            return None, _("「%(value)s」は存在しない日付です。", value=value)
        if problem.kind == "era_range" and problem.era is not None:
            era = problem.era
            if era.last_day is None:
                span = _("%(era)sは%(start)sからです。", era=era.name, start=office_dates.to_wareki(era.first_day))
            else:
                span = _("%(era)sは%(start)sから%(end)sまでです。", era=era.name,
                         start=office_dates.to_wareki(era.first_day), end=office_dates.to_wareki(era.last_day))
            return None, _("「%(value)s」は存在しない日付です。", value=value) + " " + span
        return None, _("日付として読み取れません: %(value)s。2026-04-01、2026/4/1、令和8年4月1日、R8.4.1 のように入力してください。",
                       value=value)


_TRUE = {"はい", "yes", "y", "true", "1", "○", "〇", "✓", "on"}
_FALSE = {"いいえ", "no", "n", "false", "0", "×", "", "off", "-"}


def parse_bool(text: str) -> bool | None:
    """はい/いいえ, yes/no, 1/0, ○/× (empty is no). None when it is none of these."""
    value = unicodedata.normalize("NFKC", text).strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None
