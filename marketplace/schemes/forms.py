"""Build WTForms fields from ``FieldSpec`` declarations, and read/write their values."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional, URL, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.core.forms import CleanText, UniqueSelectMultipleField, input_required, max_length, required, strip_text
from marketplace.matching.qualifications import EXAM_BY_CODE, codes_in
from marketplace.schemes import fields as f
from marketplace.schemes.fields import FieldSpec


class CheckboxListField(UniqueSelectMultipleField):
    """Several checkboxes, each with its own label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ExamChecklistField(CheckboxListField):
    """The IPA level-4 exam checkboxes; a submitted value may also be a name as people write it
    (「プロジェクトマネージャ試験」, ``pm`` …), which the shared normaliser turns into its code."""

    def process_formdata(self, valuelist: list[str]) -> None:
        codes: list[str] = []
        for value in valuelist:
            found = [value] if value in EXAM_BY_CODE else sorted(codes_in(value)) or [value]
            codes.extend(c for c in found if c not in codes)
        super().process_formdata(codes)

    def pre_validate(self, form: Any) -> None:
        unknown = [v for v in self.data or [] if v not in EXAM_BY_CODE]
        if unknown:
            raise ValidationError(_l("IPA高度試験（レベル4）の9区分から選んでください。基本情報技術者・応用情報技術者などは対象外です。"))


def _number_range(spec: FieldSpec) -> NumberRange:
    return NumberRange(min=spec.minimum, max=spec.maximum,
                       message=_l("%(min)s〜%(max)sの範囲で入力してください。"))


def make_field(spec: FieldSpec) -> Any:
    """An unbound WTForms field for ``spec`` with Japanese validation messages."""
    presence = [required()] if spec.required else [Optional()]
    kw: dict[str, Any] = {"description": spec.help or ""}
    if spec.kind in ("text", "url"):
        validators = presence + [max_length(spec.maximum or 200), CleanText()]
        if spec.kind == "url":
            validators.append(URL(require_tld=True, message=_l("URLの形式が正しくありません（https://〜）。")))
        return StringField(spec.label, validators=validators, filters=[strip_text], **kw)
    if spec.kind == "textarea":
        return TextAreaField(spec.label, validators=presence + [max_length(spec.maximum or 4000), CleanText(multiline=True)],
                             filters=[strip_text], **kw)
    if spec.kind in ("int", "money"):
        # InputRequired, not DataRequired: 0 is a value, and must reach the range check.
        number_presence = [InputRequired(message=_l("入力してください。"))] if spec.required else [Optional()]
        return IntegerField(spec.label, validators=number_presence + [_number_range(spec)], **kw)
    if spec.kind == "choice":
        choices = list(spec.choices) if spec.required else [("", _l("選択してください"))] + list(spec.choices)
        return SelectField(spec.label, choices=choices, validators=[required()] if spec.required else [Optional()], **kw)
    if spec.kind == "multi":
        field_class = ExamChecklistField if spec.choices == f.IPA_EXAMS else CheckboxListField
        return field_class(spec.label, choices=list(spec.choices),
                                 validators=[input_required()] if spec.required else [Optional()], **kw)
    if spec.kind == "bool":
        return BooleanField(spec.label, **kw)
    if spec.kind == "date":
        return DateField(spec.label, validators=presence, **kw)
    raise ValueError(f"unknown field kind {spec.kind!r}")


def form_class(name: str, base: type[FlaskForm], specs: tuple[FieldSpec, ...]) -> type[FlaskForm]:
    """A subclass of ``base`` with one field per spec (in declaration order)."""
    return type(name, (base,), {spec.name: make_field(spec) for spec in specs})


def to_storable(spec: FieldSpec, value: Any) -> Any:
    """A JSON-friendly value for ``details`` (dates as ISO strings, empty as None/[])."""
    if spec.kind == "multi":
        return list(value or [])
    if spec.kind == "bool":
        return bool(value)
    if isinstance(value, date):
        return value.isoformat()
    return value if value not in ("",) else None


def from_storable(spec: FieldSpec, value: Any) -> Any:
    """The form value for a stored ``details`` entry."""
    if spec.kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value
