"""Forms of the API token page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField

from marketplace.core.forms import CleanText, max_length, required, strip_text
from marketplace.accounts.api_tokens import DEFAULT_EXPIRY_DAYS, EXPIRY_CHOICES_DAYS


class NewTokenForm(FlaskForm):
    """Name a new token after what will use it."""

    name = StringField(
        _l("トークンの名前"),
        validators=[required(), max_length(100), CleanText()],
        filters=[strip_text],
        description=_l("何に使うかが分かる名前を付けてください（例: 県の集計スクリプト）。"),
    )
    expires_in_days = SelectField(
        _l("有効期限"),
        choices=[(days, _l("%(n)d日", n=days)) for days in EXPIRY_CHOICES_DAYS],
        coerce=int,
        default=DEFAULT_EXPIRY_DAYS,
        description=_l("期限を過ぎたトークンは使えなくなります。パスワードを変更したときも、すべてのトークンが無効になります。"),
    )
    submit = SubmitField(_l("トークンを発行する"))


class RevokeTokenForm(FlaskForm):
    """Only a CSRF token and a button."""

    submit = SubmitField(_l("無効にする"))
