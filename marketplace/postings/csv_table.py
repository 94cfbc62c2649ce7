"""Postings as CSV: one column table shared by the export and the bulk import, so files round-trip.

Each import row is checked with the same WTForms form as the web page (built from the scheme
registry), plus the organisation, area and poster-kind rules of ``services.postings.create_posting``.
Nothing is written until every row is valid; then all rows become drafts in one transaction,
recorded as proxy postings by the coordinator.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from marketplace.extensions import db
from marketplace.core.i18n import to_jst
from marketplace.models import Municipality, Organisation, Posting, Prefecture, Role, User
from marketplace.schemes.presenters import posting_values
from marketplace.schemes.fields import IPA_EXAMS, FieldSpec, label_of
from marketplace.schemes.registry import SCHEMES, PostingType, Scheme
from marketplace.postings import operations as posting_service
from marketplace.core.csv_io import (
    CsvColumn,
    CsvRow,
    ImportPreview,
    PreviewRow,
    RowError,
    example_mark,
    parse_bool,
    parse_int,
    read_date,
    read_table,
    write_csv,
)
from marketplace.core.csv_values import ValueIndex, index_of_choices, label_names
from marketplace.core.domain_errors import PermissionDenied
from marketplace.postings.operations import PostingData

IMPORT_PURPOSE = "postings"

STATUS_LABELS = {"draft": _l("下書き"), "in_review": _l("審査中"), "published": _l("公開中"), "closed": _l("終了")}


def _remote_choices() -> list[tuple[str, Any]]:
    from marketplace.organisations.forms import REMOTE_CHOICES

    return list(REMOTE_CHOICES)


def list_separator(language: str) -> str:
    """Joins list items in a cell: 、 in Japanese, ``; `` in English (labels may hold commas)."""
    return "; " if language == "en" else "、"


# --- the column table --------------------------------------------------------------------
@dataclass(frozen=True)
class PostingColumn:
    """One column: code, header, how to export it, and whether the import reads it."""

    key: str
    header: Callable[[str], str]
    export: Callable[[Posting, str], object]
    importable: bool = True
    required: bool = False
    aliases: frozenset[str] = frozenset()


def _fixed(label: Any) -> Callable[[str], str]:
    return lambda _language: str(label)


def _local_time(value: Any) -> str:
    return to_jst(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _posting_type_label(posting: Posting) -> str:
    scheme = SCHEMES.get(posting.scheme)
    posting_type = scheme.posting_type(posting.posting_type) if scheme else None
    return str(posting_type.label) if posting_type else posting.posting_type


def _remote_label(code: str) -> str:
    return str(dict(_remote_choices()).get(code, code))


_LEADING = (
    PostingColumn("id", _fixed(_l("募集ID")), lambda p, lang: p.id, importable=False),
    PostingColumn("status", _fixed(_l("状態")), lambda p, lang: str(STATUS_LABELS.get(p.status.value, p.status.value)),
                  importable=False),
    PostingColumn("organisation_id", _fixed(_l("団体ID")), lambda p, lang: p.organisation_id),
    PostingColumn("organisation", _fixed(_l("団体名")), lambda p, lang: p.organisation.name),
    PostingColumn("scheme", _fixed(_l("制度")), lambda p, lang: SCHEMES[p.scheme].name(lang), required=True),
    PostingColumn("posting_type", _fixed(_l("募集の種類")), lambda p, lang: _posting_type_label(p), required=True),
    PostingColumn("title", _fixed(_l("タイトル")), lambda p, lang: p.title, required=True),
    PostingColumn("description", _fixed(_l("内容")), lambda p, lang: p.description, required=True),
    PostingColumn("prefecture", _fixed(_l("都道府県")), lambda p, lang: p.prefecture.name(lang)),
    PostingColumn("municipality", _fixed(_l("市区町村")),
                  lambda p, lang: p.municipality.name_ja if p.municipality else ""),
    PostingColumn("remote", _fixed(_l("働き方")), lambda p, lang: _remote_label(p.remote)),
    PostingColumn("skills", _fixed(_l("求めるスキル")), lambda p, lang: list_separator(lang).join(p.skills)),
    PostingColumn("deadline", _fixed(_l("募集締切日")), lambda p, lang: p.deadline),
)
_TRAILING = (
    PostingColumn("created_at", _fixed(_l("作成日時")), lambda p, lang: _local_time(p.created_at), importable=False),
    PostingColumn("updated_at", _fixed(_l("更新日時")), lambda p, lang: _local_time(p.updated_at), importable=False),
)


def _specs_by_name() -> dict[str, list[FieldSpec]]:
    """Every scheme field, by name, in the registry's order (one CSV column per name)."""
    specs: dict[str, list[FieldSpec]] = {}
    for scheme in SCHEMES.values():
        for posting_type in scheme.posting_types:
            for spec in posting_type.fields:
                specs.setdefault(spec.name, []).append(spec)
    return specs


def export_value(spec: FieldSpec, value: Any, language: str) -> str:
    """A scheme field's cell: labels for choices, はい/いいえ, plain numbers, ISO dates."""
    if value is None or value == "" or value == []:
        return "" if spec.kind != "bool" else _("いいえ")
    if spec.kind == "multi":
        return list_separator(language).join(str(label_of(spec.choices, v)) for v in value)
    if spec.kind == "choice":
        return str(label_of(spec.choices, value))
    if spec.kind == "bool":
        return _("はい") if value else _("いいえ")
    return str(value)


def _field_column(name: str, specs: list[FieldSpec]) -> PostingColumn:
    def header(_language: str) -> str:
        return "／".join(dict.fromkeys(str(s.label) for s in specs))

    def export(posting: Posting, language: str) -> str:
        posting_type = SCHEMES[posting.scheme].posting_type(posting.posting_type)
        spec = next((s for s in posting_type.fields if s.name == name), None) if posting_type else None
        return export_value(spec, posting_values(posting).get(name), language) if spec else ""

    aliases = frozenset(n for s in specs for n in label_names(s.label))
    return PostingColumn(name, header, export, aliases=aliases)


def posting_columns() -> list[PostingColumn]:
    """The whole table: common columns, one column per scheme field name, timestamps."""
    fields = [_field_column(name, specs) for name, specs in _specs_by_name().items()]
    return [*_LEADING, *fields, *_TRAILING]


def _csv_columns(columns: Sequence[PostingColumn]) -> list[CsvColumn]:
    result = []
    for column in columns:
        names = set()
        for language in ("ja", "en"):
            with force_locale(language):
                names.add(column.header(language))
        result.append(CsvColumn(column.key, frozenset(names), required=column.required,
                                ignored=not column.importable, aliases=column.aliases))
    return result


def header_labels(columns: Sequence[PostingColumn], language: str) -> dict[str, str]:
    return {c.key: c.header(language) for c in columns}


# --- export ------------------------------------------------------------------------------
def export_postings(postings: Sequence[Posting], language: str) -> bytes:
    """The postings as a CSV file (BOM, CRLF, formula-safe)."""
    columns = posting_columns()
    return write_csv([c.header(language) for c in columns],
                     ([c.export(p, language) for c in columns] for p in postings))


def template_csv(language: str) -> bytes:
    """The importable headers and one example row, marked so that the importer skips it."""
    columns = [c for c in posting_columns() if c.importable]
    with force_locale(language):
        example = _example_row(language)
        return write_csv([c.header(language) for c in columns], [[example.get(c.key, "") for c in columns]])


def _example_row(language: str) -> dict[str, str]:
    """A prefecture's accelerator position, written as an office would (和暦 date, labels)."""
    scheme = SCHEMES["accelerator"]
    posting_type = scheme.posting_types[0]
    row = {
        "organisation_id": example_mark(language), "organisation": _("高知県 デジタル政策課"),
        "scheme": scheme.name(language), "posting_type": str(posting_type.label),
        "title": _("市町村のDXを支えるデジタル人材"), "description": _("県内の市町村の業務改善とシステム調達を支援します。"),
        "prefecture": _("高知県"), "remote": _remote_label("either"), "skills": _("業務改善"),
        "deadline": "令和9年3月31日" if language == "ja" else "2027-03-31",
    }
    for spec in posting_type.fields:
        if spec.kind in ("choice", "multi") and spec.choices:
            row[spec.name] = str(spec.choices[0][1])
        elif spec.kind in ("int", "money"):
            row[spec.name] = str(max(spec.minimum or 1, 1))
        elif spec.kind == "date":
            row[spec.name] = "R9.1.4" if language == "ja" else "2027-01-04"
    return row


# --- import ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Ready:
    organisation: Organisation
    scheme: str
    posting_type: str
    data: PostingData


class _Lookups:
    """Reference data and value indexes, loaded once per import."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        prefectures = list(db.session.scalars(sa.select(Prefecture)))
        # 高知県, 高知, Kochi, 39 or 39 written by Excel without its leading zero ("1" for 01).
        self.prefectures = ValueIndex(
            (p.code, {p.name_ja, p.name_en, p.name_ja[:-1] if p.name_ja[-1] in "都府県" else p.name_ja,
                      str(int(p.code))}) for p in prefectures)
        self.prefecture_names = {p.code: p.name_ja for p in prefectures}
        self.schemes = ValueIndex((code, {s.name_ja, s.name_en}) for code, s in SCHEMES.items())
        self.types = {code: ValueIndex((t.code, label_names(t.label)) for t in s.posting_types)
                      for code, s in SCHEMES.items()}
        self.remote = ValueIndex.of_choices(_remote_choices())
        self._choices: dict[int, ValueIndex] = {}
        self._organisations: dict[str, Organisation | str] = {}
        self._municipalities: dict[str, list[tuple[str, str]]] = {}

    def choices(self, spec: FieldSpec) -> ValueIndex:
        if id(spec) not in self._choices:
            self._choices[id(spec)] = index_of_choices(spec.choices, exams=spec.choices == IPA_EXAMS)
        return self._choices[id(spec)]

    def municipalities(self, prefecture_code: str) -> list[tuple[str, str]]:
        if prefecture_code not in self._municipalities:
            self._municipalities[prefecture_code] = [tuple(r) for r in db.session.execute(
                sa.select(Municipality.code, Municipality.name_ja)
                .where(Municipality.prefecture_code == prefecture_code).order_by(Municipality.code))]
        return self._municipalities[prefecture_code]

    def organisation(self, id_text: str, name: str) -> Organisation | str:
        """The organisation, or an error message."""
        key = f"{id_text}\x00{name}"
        if key not in self._organisations:
            self._organisations[key] = self._find_organisation(id_text, name)
        return self._organisations[key]

    def _find_organisation(self, id_text: str, name: str) -> Organisation | str:
        if id_text:
            org_id = parse_int(id_text)
            valid = org_id is not None and 0 < org_id < 2**31
            organisation = db.session.get(Organisation, org_id) if valid else None
            return organisation or _("団体ID「%(id)s」の団体は見つかりません。", id=id_text)
        if not name:
            return _("団体IDか団体名を入力してください。")
        found = list(db.session.scalars(sa.select(Organisation).where(Organisation.name == name).limit(20)))
        if len(found) > 1:
            covered = [o for o in found if self.actor.covers_prefecture(o.prefecture_code)]
            found = covered if len(covered) == 1 else found
        if not found:
            return _("団体名「%(name)s」の団体は見つかりません。団体IDで指定してください。", name=name)
        if len(found) > 1:
            return _("団体名「%(name)s」の団体が複数あります。団体IDで指定してください。", name=name)
        return found[0]


def _choice_help(spec: FieldSpec) -> str:
    return _("次のいずれかを入力してください: %(values)s", values="、".join(str(label) for _c, label in spec.choices))


def _field_formdata(spec: FieldSpec, text: str, lookups: _Lookups, formdata: MultiDict) -> str | None:
    """Put the cell into ``formdata`` as the web form would receive it; returns an error message."""
    if not text:
        return None
    if spec.kind == "choice":
        code = lookups.choices(spec).get(text)
        if code is None:
            return _choice_help(spec)
        formdata.add(spec.name, code)
    elif spec.kind == "multi":
        codes, unknown = lookups.choices(spec).many(text)
        if unknown:
            return _("「%(items)s」は選べません。", items="、".join(unknown)) + " " + _choice_help(spec)
        for code in codes:
            formdata.add(spec.name, code)
    elif spec.kind in ("int", "money"):
        number = parse_int(text)
        if number is None:
            return _("整数で入力してください。")
        formdata.add(spec.name, str(number))
    elif spec.kind == "date":
        day, problem = read_date(text)
        if day is None:
            return problem
        formdata.add(spec.name, day.isoformat())
    elif spec.kind == "bool":
        value = parse_bool(text)
        if value is None:
            return _("「はい」か「いいえ」を入力してください。")
        if value:
            formdata.add(spec.name, "y")
    else:
        formdata.add(spec.name, text)
    return None


#: Form field → CSV column for the common fields.
_FORM_TO_COLUMN = {"prefecture_code": "prefecture", "municipality_code": "municipality"}


class _RowChecker:
    def __init__(self, actor: User, lookups: _Lookups, labels: dict[str, str]) -> None:
        self.actor, self.lookups, self.labels = actor, lookups, labels
        self.field_names = list(_specs_by_name())

    def check(self, row: CsvRow) -> tuple[list[str], _Ready | None, list[RowError]]:
        values = row.values
        errors: dict[str, list[str]] = {}

        def fail(column: str, message: str) -> None:
            errors.setdefault(column, []).append(message)

        organisation = self.lookups.organisation(values.get("organisation_id", ""), values.get("organisation", ""))
        if isinstance(organisation, str):
            fail("organisation_id" if values.get("organisation_id") else "organisation", organisation)
            organisation = None
        scheme_code = self.lookups.schemes.get(values.get("scheme", ""))
        if scheme_code is None:
            fail("scheme", _("制度を入力してください。") if not values.get("scheme")
                 else _("不明な制度です: %(value)s", value=values["scheme"]))
        scheme: Scheme | None = SCHEMES.get(scheme_code or "")
        posting_type: PostingType | None = None
        if scheme is not None:
            type_code = self.lookups.types[scheme.code.value].get(values.get("posting_type", ""))
            posting_type = scheme.posting_type(type_code) if type_code else None
            if posting_type is None:
                fail("posting_type", _("次のいずれかを入力してください: %(values)s",
                                       values="、".join(str(t.label) for t in scheme.posting_types)))
        if organisation is not None and scheme is not None:
            if not self.actor.covers(scheme.code.value, organisation.prefecture_code):
                fail("organisation_id" if values.get("organisation_id") else "organisation",
                     _("担当地域外の団体の募集は作成できません。"))
            elif posting_type is not None and organisation.kind not in posting_type.poster_kinds:
                fail("posting_type", _("この種類の団体はこの募集を掲載できません。"))

        prefecture_code = organisation.prefecture_code if organisation is not None else ""
        if values.get("prefecture"):
            prefecture_code = self.lookups.prefectures.get(values["prefecture"]) or ""
            if not prefecture_code:
                fail("prefecture", _("不明な都道府県です: %(value)s", value=values["prefecture"]))
        elif organisation is None:
            fail("prefecture", _("入力してください。"))
        if prefecture_code and scheme is not None and not self.actor.covers(scheme.code.value, prefecture_code):
            fail("prefecture", _("担当地域外の都道府県です。"))

        summary = [organisation.name if organisation else values.get("organisation") or values.get("organisation_id", ""),
                   " / ".join(v for v in (values.get("scheme", ""), values.get("posting_type", "")) if v),
                   values.get("title", ""),
                   self.lookups.prefecture_names.get(prefecture_code, values.get("prefecture", ""))]
        ready = None
        if scheme is not None and posting_type is not None and prefecture_code:
            ready = self._check_form(values, scheme, posting_type, organisation, prefecture_code, fail, errors)
        else:  # the form cannot be built: still report every cell that is wrong on its own
            self._check_cells(values, fail, errors)
        row_errors = [RowError(row.number, self.labels.get(column, column), message)
                      for column, messages in errors.items() for message in messages]
        return summary, (ready if not row_errors else None), row_errors

    def _check_cells(self, values: dict[str, str], fail: Callable[[str, str], None],
                     errors: dict[str, list[str]]) -> None:
        """Checks that need no scheme: a title, the deadline, and numbers, dates and yes/no cells."""
        if not values.get("title", "").strip():
            fail("title", _("入力してください。"))
        if values.get("deadline"):
            problem = read_date(values["deadline"])[1]
            if problem:
                fail("deadline", problem)
        if values.get("remote") and self.lookups.remote.get(values["remote"]) is None:
            fail("remote", _("次のいずれかを入力してください: %(values)s",
                             values="、".join(str(label) for _c, label in _remote_choices())))
        for name, specs in _specs_by_name().items():
            text = values.get(name, "")
            kinds = {spec.kind for spec in specs}
            if not text or name in errors or len(kinds) != 1 or kinds.pop() not in ("int", "money", "date", "bool"):
                continue
            message = _field_formdata(specs[0], text, self.lookups, MultiDict())
            if message:
                fail(name, message)

    def _check_form(self, values: dict[str, str], scheme: Scheme, posting_type: PostingType,
                    organisation: Organisation | None, prefecture_code: str,
                    fail: Callable[[str, str], None], errors: dict[str, list[str]]) -> _Ready | None:
        from marketplace.organisations.forms import posting_form_class

        formdata = MultiDict({"title": values.get("title", ""), "description": values.get("description", ""),
                              "prefecture_code": prefecture_code,
                              "skills": re.sub(r"[;；\n]", ",", values.get("skills", ""))})
        municipalities = self.lookups.municipalities(prefecture_code)
        if values.get("municipality"):
            wanted = values["municipality"].strip()
            code = next((c for c, n in municipalities if wanted in (c, c[:5], n)), None)
            if code is None:
                fail("municipality", _("%(prefecture)sの市区町村ではありません: %(value)s",
                                       prefecture=self.lookups.prefecture_names.get(prefecture_code, ""), value=wanted))
            else:
                formdata.add("municipality_code", code)
        remote = self.lookups.remote.get(values.get("remote", "")) if values.get("remote") else "onsite"
        if remote is None:
            fail("remote", _("次のいずれかを入力してください: %(values)s",
                             values="、".join(str(label) for _c, label in _remote_choices())))
        else:
            formdata.add("remote", remote)
        if values.get("deadline"):
            day, problem = read_date(values["deadline"])
            if day is None:
                fail("deadline", problem or "")
            else:
                formdata.add("deadline", day.isoformat())
        own = {spec.name for spec in posting_type.fields}
        for spec in posting_type.fields:
            message = _field_formdata(spec, values.get(spec.name, ""), self.lookups, formdata)
            if message:
                fail(spec.name, message)
        for name in self.field_names:
            if name not in own and values.get(name):
                fail(name, _("この募集の種類では使わない列です。空欄にしてください。"))

        form = posting_form_class(scheme.code.value, posting_type)(formdata=formdata, meta={"csrf": False})
        form.prefecture_code.choices = [(code, name) for code, name in self.lookups.prefecture_names.items()]
        form.municipality_code.choices = [("", "")] + municipalities
        if not form.validate():
            for name, messages in form.errors.items():
                column = _FORM_TO_COLUMN.get(name, name)
                if column in errors:  # already explained in the CSV's own terms
                    continue
                for message in messages:
                    fail(column, str(message))
        if errors or organisation is None:
            return None
        return _Ready(organisation, scheme.code.value, posting_type.code, form.to_data(posting_type))


def _check_all(actor: User, text: str, language: str) -> tuple[ImportPreview, list[_Ready]]:
    columns = posting_columns()
    labels = header_labels(columns, language)
    table = read_table(text, _csv_columns(columns), labels)
    checker = _RowChecker(actor, _Lookups(actor), labels)
    table_errors: dict[int, list[RowError]] = {}
    for error in table.errors:
        table_errors.setdefault(error.row, []).append(error)
    rows: list[PreviewRow] = []
    ready: list[_Ready] = []
    for row in table.rows:
        summary, prepared, errors = checker.check(row)
        errors = table_errors.get(row.number, []) + errors
        rows.append(PreviewRow(row.number, summary, errors))
        if prepared is not None and not errors:
            ready.append(prepared)
    preview = ImportPreview([_("団体"), _("制度"), _("タイトル"), _("都道府県")], rows, table.examples)
    return preview, ready


def preview_import(actor: User, text: str, language: str = "ja") -> ImportPreview:
    """Check every row; nothing is written. Raises ``CsvFileError`` when the file cannot be read."""
    return _check_all(actor, text, language)[0]


def commit_import(actor: User, text: str, language: str = "ja") -> tuple[ImportPreview, list[Posting]]:
    """Check again and, when every row is valid, create all postings as drafts (flushed, not committed).

    Returns the preview and the new postings (empty when any row has an error). The caller commits,
    or rolls back on any exception, so that either every row is stored or none.
    """
    if actor.role not in (Role.COORDINATOR, Role.ADMIN):
        raise PermissionDenied(_("この操作はコーディネーターだけが行えます。"))
    preview, ready = _check_all(actor, text, language)
    if not preview.ok:
        return preview, []
    created = [posting_service.create_posting(actor, r.organisation, r.scheme, r.posting_type, r.data) for r in ready]
    return preview, created


def import_columns_help(language: str) -> list[tuple[str, bool, str]]:
    """(header, required, allowed values) for the documentation on the CSV page."""
    rows: list[tuple[str, bool, str]] = []
    specs = _specs_by_name()
    for column in posting_columns():
        if not column.importable:
            continue
        allowed = ""
        if column.key in specs:
            choices = {str(label): None for s in specs[column.key] for _c, label in s.choices}
            kinds = {s.kind for s in specs[column.key]}
            if choices:
                allowed = "、".join(choices)
            elif kinds & {"int", "money"}:
                allowed = _("整数")
            elif "date" in kinds:
                allowed = "2026-04-01"
            elif "bool" in kinds:
                allowed = _("はい／いいえ")
        elif column.key == "scheme":
            allowed = "、".join(s.name(language) for s in SCHEMES.values())
        elif column.key == "posting_type":
            allowed = "、".join(str(t.label) for s in SCHEMES.values() for t in s.posting_types)
        elif column.key == "remote":
            allowed = "、".join(str(label) for _c, label in _remote_choices())
        elif column.key == "deadline":
            allowed = "2026-04-01"
        rows.append((column.header(language), column.required, allowed))
    return rows
