"""Turn stored scheme-specific values into (label, text) rows for templates."""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _

from marketplace.schemes.fields import FieldSpec, label_of

COLUMN_FIELDS = {"capacity", "employment_form", "monthly_budget_max", "hours_per_month", "months", "categories"}


def display_value(spec: FieldSpec, value: Any) -> str:
    """Human text for one stored value (choices by label, money with yen, booleans as はい/いいえ)."""
    if value in (None, "", []):
        return ""
    if spec.kind == "multi":
        return "、".join(str(label_of(spec.choices, v)) for v in value)
    if spec.kind == "choice":
        return str(label_of(spec.choices, value))
    if spec.kind == "bool":
        return _("はい") if value else _("いいえ")
    if spec.kind == "money":
        return _("%(amount)s円", amount=format_decimal(value))
    return str(value)


def rows_for(specs: tuple[FieldSpec, ...], values: dict[str, Any], *, show_confidential: bool = True,
             hide: Collection[str] = ()) -> list[tuple[Any, str]]:
    """(label, text) for each declared field that has a value."""
    rows = []
    for spec in specs:
        if spec.name in hide or (spec.confidential and not show_confidential):
            continue
        text = display_value(spec, values.get(spec.name))
        if text:
            rows.append((spec.display_label or spec.label, text))
    return rows


def posting_values(posting) -> dict[str, Any]:
    """All scheme-specific values of a posting, from columns, details and confidential fields."""
    values = dict(posting.details)
    values.update(posting.confidential)
    for name in COLUMN_FIELDS:
        values[name] = getattr(posting, name)
    return values


def search_conditions(target: str, params: dict[str, Any], language: str) -> list[tuple[str, str]]:
    """A saved search's conditions as (label, text) in words: never ``scheme=side_job``.

    Codes are looked up in the same option lists the filter forms offer; a value no list knows
    (an old or hand-made URL) is shown as 「（不明な条件）」 rather than as a raw code.
    """
    from marketplace.schemes.filter_options import candidate_filter_options, posting_filter_options

    options = posting_filter_options(language) if target == "postings" else candidate_filter_options(language)

    def lookup(pairs, value):
        return dict(pairs).get(str(value), _("（不明な条件）"))

    def grouped(groups, value):
        return lookup([pair for group in groups for pair in group.options], value)

    remote = {"remote": _("リモート可"), "onsite": _("現地勤務"), "either": _("どちらでもよい")}
    sorts = {"new": _("新着順"), "deadline": _("締切が近い順"), "budget": _("報酬が高い順"),
             "updated": _("更新が新しい順"), "hours": _("月に使える時間が多い順")}
    labels = {
        "q": (_("キーワード"), lambda v: f"「{v}」"),
        "scheme": (_("制度"), lambda v: lookup(options.schemes, v)),
        "region": (_("地方"), lambda v: lookup(options.regions, v) if v in dict(options.regions)
                   else next((label for code, label in options.regions if label == v), _("（不明な条件）"))),
        "prefecture": (_("都道府県"), lambda v: lookup(options.prefectures, v)),
        "remote": (_("働き方"), lambda v: remote.get(str(v), _("（不明な条件）"))),
        "employment_form": (_("任用・契約の形態"), lambda v: grouped(options.employment_forms, v)),
        "category": (_("分野・テーマ"), lambda v: grouped(options.categories, v)),
        "budget_min": (_("月額報酬の上限"), lambda v: _("%(amount)s円以上", amount=_money(v))),
        "budget_max": (_("希望報酬の下限"), lambda v: _("%(amount)s円以下", amount=_money(v))),
        "sort": (_("並び順"), lambda v: sorts.get(str(v), _("（不明な条件）"))),
    }
    rows = []
    for key, value in params.items():
        if value in (None, ""):
            continue
        label, describe = labels.get(key, (_("その他の条件"), lambda v: _("（不明な条件）")))
        rows.append((str(label), str(describe(value))))
    return rows


def _money(value: Any) -> str:
    try:
        return format_decimal(int(value))
    except (TypeError, ValueError):
        return str(value)


#: Regions for grouping prefecture checkboxes: the usual seven blocks (北海道 joins 東北), JIS code ranges.
PREFECTURE_BLOCKS = (
    ("北海道・東北", "Hokkaido and Tohoku", 1, 7),
    ("関東", "Kanto", 8, 14),
    ("中部", "Chubu", 15, 23),
    ("近畿", "Kinki", 24, 30),
    ("中国", "Chugoku", 31, 35),
    ("四国", "Shikoku", 36, 39),
    ("九州・沖縄", "Kyushu and Okinawa", 40, 47),
)


def prefecture_groups(choices: list[tuple[str, str]], language: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(region label, [(code, name)]) for prefecture choices, in code order; unknown codes come last."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    placed: set[str] = set()
    for name_ja, name_en, first, last in PREFECTURE_BLOCKS:
        members = [(code, name) for code, name in choices
                   if str(code).isdigit() and first <= int(code) <= last]
        if members:
            groups.append((name_en if language == "en" else name_ja, members))
            placed.update(code for code, _name in members)
    rest = [(code, name) for code, name in choices if code not in placed and code != ""]
    if rest:
        groups.append((_("その他"), rest))
    return groups
