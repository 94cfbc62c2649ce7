"""Forms of the auth blueprint."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import EqualTo, ValidationError

from marketplace.core.forms import CleanText, email_address, max_length, required, strip_text
from marketplace.models import OrgKind, Role
from marketplace.accounts.passwords import password_problems

ORG_KIND_LABELS = {
    OrgKind.PREFECTURE: _l("都道府県"),
    OrgKind.MUNICIPALITY: _l("市区町村"),
    OrgKind.FIRM: _l("地域企業"),
    OrgKind.STARTUP: _l("スタートアップ"),
    OrgKind.PRO_HUB: _l("プロフェッショナル人材戦略拠点"),
    OrgKind.SUCCESSION_CENTRE: _l("事業承継・引継ぎ支援センター"),
    OrgKind.HR_OPERATOR: _l("地域の人事部（地域人材支援機関）"),
    OrgKind.COOPERATING_COMPANY: _l("人材プール協力企業・団体"),
}

ROLE_LABELS = {
    Role.CANDIDATE: _l("個人（人材として登録）"),
    Role.MEMBER: _l("団体の担当者（募集を掲載）"),
    Role.COORDINATOR: _l("コーディネーター"),
    Role.ADMIN: _l("管理者"),
}


class LoginForm(FlaskForm):
    email = EmailField(_l("メールアドレス"), validators=[required(), max_length(254)], filters=[strip_text])
    password = PasswordField(_l("パスワード"), validators=[required(), max_length(128)])
    submit = SubmitField(_l("ログイン"))


class RegisterForm(FlaskForm):
    email = EmailField(
        _l("メールアドレス"), validators=[required(), email_address(), max_length(254)], filters=[strip_text]
    )
    display_name = StringField(
        _l("表示名"), validators=[required(), max_length(100), CleanText()], filters=[strip_text]
    )
    password = PasswordField(
        _l("パスワード"),
        validators=[required(), max_length(128)],
        description=_l("10文字以上。よく使われるパスワードは使えません。"),
    )
    password_confirm = PasswordField(
        _l("パスワード（確認）"),
        validators=[required(), EqualTo("password", message=_l("パスワードが一致しません。"))],
    )
    role = RadioField(
        _l("登録の種類"),
        choices=[(r.value, ROLE_LABELS[r]) for r in (Role.CANDIDATE, Role.MEMBER)],
        default=Role.CANDIDATE.value,
        validators=[required()],
    )
    # No Optional(): it would stop the chain before the role-dependent checks below.
    org_name = StringField(_l("団体名"), validators=[max_length(200), CleanText()], filters=[strip_text])
    org_kind = SelectField(
        _l("団体の種類"), choices=[("", _l("選択してください"))] + [(k.value, v) for k, v in ORG_KIND_LABELS.items()],
        validate_choice=False,
    )
    org_prefecture = SelectField(_l("所在都道府県"), choices=[], validate_choice=False)
    org_municipality = SelectField(_l("所在市区町村（任意）"), choices=[], validate_choice=False)
    submit = SubmitField(_l("登録する"))

    def validate_password(self, field: PasswordField) -> None:
        problems = password_problems(field.data or "", self.email.data or "")
        if problems:
            raise ValidationError(" ".join(problems))

    def validate_org_name(self, field: StringField) -> None:
        if self.role.data == Role.MEMBER.value and not field.data:
            raise ValidationError(_l("団体名を入力してください。"))

    def validate_org_kind(self, field: SelectField) -> None:
        if self.role.data == Role.MEMBER.value and field.data not in {k.value for k in OrgKind}:
            raise ValidationError(_l("団体の種類を選択してください。"))

    def validate_org_prefecture(self, field: SelectField) -> None:
        codes = {code for code, _label in field.choices if code}
        if self.role.data == Role.MEMBER.value and field.data not in codes:
            raise ValidationError(_l("所在都道府県を選択してください。"))

    def validate_org_municipality(self, field: SelectField) -> None:
        if field.data and field.data not in self.municipality_codes:
            raise ValidationError(_l("所在都道府県の市区町村を選択してください。"))

    municipality_codes: set[str] = set()


class ResendForm(FlaskForm):
    email = EmailField(_l("メールアドレス"), validators=[required(), email_address(), max_length(254)], filters=[strip_text])
    submit = SubmitField(_l("確認メールを再送する"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("メールアドレス"), validators=[required(), email_address(), max_length(254)], filters=[strip_text])
    submit = SubmitField(_l("再設定用のリンクを送る"))


class ResetPasswordForm(FlaskForm):
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
