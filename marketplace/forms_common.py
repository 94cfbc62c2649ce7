"""Field helpers shared by every blueprint's forms: Japanese messages and text cleaning."""
from __future__ import annotations

import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

#: Characters never accepted in text fields: C0/C1 controls (except tab/newline), bidi overrides.
_FORBIDDEN_CATEGORIES = {"Cc", "Cs", "Co"}
_BIDI_CONTROLS = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}


def required() -> DataRequired:
    return DataRequired(message=_l("入力してください。"))


def input_required() -> InputRequired:
    return InputRequired(message=_l("選択してください。"))


def max_length(n: int, min_n: int = -1) -> Length:
    if min_n > 0:
        return Length(min=min_n, max=n, message=_l("%(min)d〜%(max)d文字で入力してください。"))
    return Length(max=n, message=_l("%(max)d文字以内で入力してください。"))


def email_address() -> Email:
    return Email(message=_l("メールアドレスの形式が正しくありません。"), check_deliverability=False)


def strip_text(value: Any) -> Any:
    """Filter: trim surrounding white space of strings."""
    return value.strip() if isinstance(value, str) else value


class CleanText:
    """Validator refusing control characters and bidi overrides that would garble the display."""

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, form: Any, field: Any) -> None:
        value = field.data or ""
        allowed = {"\n", "\r", "\t"} if self.multiline else set()
        for ch in value:
            if ch in allowed:
                continue
            if unicodedata.category(ch) in _FORBIDDEN_CATEGORIES or ch in _BIDI_CONTROLS:
                raise ValidationError(_l("使用できない制御文字が含まれています。"))
