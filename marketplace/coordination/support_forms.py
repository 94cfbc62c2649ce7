"""The form a prefecture's coordinators use to record its support structure (the four functions)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from marketplace.core.forms import CleanText, max_length, strip_text
from marketplace.organisations.support_structure import NOTE_MAX

#: What a ticked checkbox may send (browsers send "y", the value of the input); anything else is refused.
_TICKED_VALUES = frozenset({"y", "on", "1", "true", "yes"})


class Checkbox:
    """Refuse a checkbox value that no browser would send, rather than reading it as ticked."""

    def __call__(self, form: Any, field: Any) -> None:
        raw = (field.raw_data or [""])[0]
        if raw not in ("", "false") and str(raw).strip().lower() not in _TICKED_VALUES:
            raise ValidationError(_l("チェックボックスの値が正しくありません。"))


class SupportStructureForm(FlaskForm):
    council = BooleanField(_l("会議体（市町村と課題を話し合う場がある）"), validators=[Checkbox()])
    hearing = BooleanField(_l("ヒアリング（市町村の課題やニーズを聞き取っている）"), validators=[Checkbox()])
    talent = BooleanField(_l("専門人材確保（デジタル人材を確保している）"), validators=[Checkbox()])
    themes = BooleanField(_l("取組テーマ設定（支援のテーマを定めている）"), validators=[Checkbox()])
    note = TextAreaField(_l("備考"), validators=[max_length(NOTE_MAX), CleanText(multiline=True)],
                         filters=[strip_text], description=_l("会議体の名称、担当部署、今後の予定など"))
    submit = SubmitField(_l("保存する"))

    def functions(self) -> dict[str, bool]:
        return {"council": bool(self.council.data), "hearing": bool(self.hearing.data),
                "talent": bool(self.talent.data), "themes": bool(self.themes.data)}
