"""Forms of the account-security pages: one-time codes and password change."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, ValidationError

from marketplace.core.forms import max_length, required, strip_text
from marketplace.accounts.passwords import password_problems


class LoginCodeForm(FlaskForm):
    """Second step of login: a code from the app or a recovery code."""

    code = StringField(
        _l("確認コード"),
        validators=[required(), max_length(40)],
        filters=[strip_text],
        description=_l("認証アプリに表示される6桁の数字を入力してください。スマートフォンが手元にないときは回復コードも使えます。"),
    )
    submit = SubmitField(_l("確認してログイン"))


class EnrolCodeForm(FlaskForm):
    """Confirms that the authenticator app was set up with the secret shown."""

    code = StringField(
        _l("確認コード"),
        validators=[required(), max_length(40)],
        filters=[strip_text],
        description=_l("登録した認証アプリに表示される6桁の数字を入力してください。"),
    )
    submit = SubmitField(_l("設定を完了する"))


class DisableSecondFactorForm(FlaskForm):
    code = StringField(
        _l("確認コード"), validators=[required(), max_length(40)], filters=[strip_text],
        description=_l("認証アプリに表示される6桁の数字を入力してください。"),
    )
    submit = SubmitField(_l("二段階認証を無効にする"))


class NewRecoveryCodesForm(FlaskForm):
    code = StringField(
        _l("確認コード"), validators=[required(), max_length(40)], filters=[strip_text],
        description=_l("認証アプリに表示される6桁の数字を入力してください。"),
    )
    submit = SubmitField(_l("回復コードを発行し直す"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("現在のパスワード"), validators=[required(), max_length(128)])
    password = PasswordField(
        _l("新しいパスワード"),
        validators=[required(), max_length(128)],
        description=_l("10文字以上。よく使われるパスワードは使えません。"),
    )
    password_confirm = PasswordField(
        _l("新しいパスワード（確認）"),
        validators=[required(), EqualTo("password", message=_l("パスワードが一致しません。"))],
    )
    submit = SubmitField(_l("パスワードを変更する"))

    def validate_password(self, field: PasswordField) -> None:
        problems = password_problems(field.data or "", getattr(current_user, "email", "") or "")
        if problems:
            raise ValidationError(" ".join(problems))


class SignOutSessionForm(FlaskForm):
    """Confirms signing out one device (the session's id travels in a hidden field)."""

    session_id = HiddenField()
    submit = SubmitField(_l("この端末をログアウトさせる"))


class SignOutOtherSessionsForm(FlaskForm):
    """Confirms signing out every device but this one."""

    submit = SubmitField(_l("ほかの端末をすべてログアウトさせる"))
