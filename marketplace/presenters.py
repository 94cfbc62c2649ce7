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
