"""Forms of the admin blueprint."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.accounts.forms import ORG_KIND_LABELS
from marketplace.core.forms import CleanText, UniqueSelectMultipleField, max_length, required, strip_text
from marketplace.schemes import SCHEME_NAMES


class MultiCheckboxField(UniqueSelectMultipleField):
    """A list of checkboxes (accessible: each has its own label)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OrganisationForm(FlaskForm):
    name = StringField(_l("団体名"), validators=[required(), max_length(200), CleanText()], filters=[strip_text])
    kind = SelectField(_l("団体の種類"), choices=[(k.value, v) for k, v in ORG_KIND_LABELS.items()])
    prefecture_code = SelectField(_l("所在都道府県"), choices=[])
    municipality_code = SelectField(_l("所在市区町村（任意）"), choices=[], validators=[Optional()], validate_choice=False)
    verified = BooleanField(_l("確認済み（掲載を許可）"))
    submit = SubmitField(_l("保存する"))


class VerifyForm(FlaskForm):
    """A button form: verify or un-verify one organisation."""

    submit = SubmitField(_l("確認状態を切り替える"))


class UserAdminForm(FlaskForm):
    role = SelectField(_l("役割"), choices=[])
    organisation_id = SelectField(_l("所属団体"), choices=[], validators=[Optional()], validate_choice=False)
    schemes = MultiCheckboxField(_l("担当制度"), choices=[(c.value, n[0]) for c, n in SCHEME_NAMES.items()])
    prefectures = UniqueSelectMultipleField(_l("担当都道府県"), choices=[], validators=[Optional()])
    active = BooleanField(_l("有効"))
    submit = SubmitField(_l("保存する"))


class MailActionForm(FlaskForm):
    """A button form of the mail page: resume sending, or clear one bounce."""

    submit = SubmitField(_l("実行する"))
