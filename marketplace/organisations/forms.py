"""Posting forms: common fields plus the fields the scheme registry declares for each posting type."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional, ValidationError

from marketplace.core.forms import CleanText, TagCount, max_length, required, strip_text
from marketplace.models import CloseReason
from marketplace.schemes.forms import form_class, from_storable
from marketplace.schemes.registry import PostingType
from marketplace.postings.operations import PostingData
from marketplace.core.text import parse_tags

REMOTE_CHOICES = [("onsite", _l("現地勤務")), ("remote", _l("リモート可（フルリモート）")), ("either", _l("一部リモート"))]


class PostingBaseForm(FlaskForm):
    title = StringField(_l("タイトル"), validators=[required(), max_length(200), CleanText()], filters=[strip_text])
    description = TextAreaField(_l("内容"), validators=[required(), max_length(8000), CleanText(multiline=True)],
                                filters=[strip_text], description=_l("背景、具体的な業務、求める経験などを書いてください。"))
    prefecture_code = SelectField(_l("都道府県"), choices=[], validators=[required()])
    municipality_code = SelectField(_l("市区町村（任意）"), choices=[], validate_choice=False)
    remote = SelectField(_l("働き方"), choices=REMOTE_CHOICES)
    skills = StringField(_l("求めるスキル（読点またはカンマ区切り）"), validators=[max_length(1000), CleanText(), TagCount()],
                         filters=[strip_text])
    deadline = DateField(_l("募集締切日"), validators=[Optional()])
    submit = SubmitField(_l("下書きを保存"))

    def validate_municipality_code(self, field: SelectField) -> None:
        if field.data and field.data not in {code for code, _n in field.choices}:
            raise ValidationError(_l("都道府県の市区町村を選択してください。"))

    def validate_deadline(self, field: DateField) -> None:
        if field.data and field.data < date.today() and self.is_new:
            raise ValidationError(_l("締切日には今日以降の日付を指定してください。"))

    is_new = True

    def to_data(self, posting_type: PostingType) -> PostingData:
        return PostingData(
            title=self.title.data, description=self.description.data,
            prefecture_code=self.prefecture_code.data, municipality_code=self.municipality_code.data or None,
            remote=self.remote.data, skills=parse_tags(self.skills.data or ""), deadline=self.deadline.data,
            extra={spec.name: getattr(self, spec.name).data for spec in posting_type.fields},
        )


_FORM_CACHE: dict[tuple[str, str], type[PostingBaseForm]] = {}


def posting_form_class(scheme_code: str, posting_type: PostingType) -> type[PostingBaseForm]:
    """The form for one posting type (built once from the registry)."""
    key = (scheme_code, posting_type.code)
    if key not in _FORM_CACHE:
        base = PostingBaseForm
        if posting_type.remote_from:
            # 働き方 is not on this form: the service derives it from the field named by remote_from,
            # so a missing value must not fail the select's choice check.
            base = type(f"{scheme_code}_{posting_type.code}_base", (PostingBaseForm,),
                        {"remote": SelectField(_l("働き方"), choices=REMOTE_CHOICES, default="either")})
        _FORM_CACHE[key] = form_class(f"{scheme_code}_{posting_type.code}_form", base, posting_type.fields)
    return _FORM_CACHE[key]


def form_data_from_posting(posting, posting_type: PostingType) -> dict:
    """Initial form values for editing an existing posting."""
    data = {
        "title": posting.title, "description": posting.description, "prefecture_code": posting.prefecture_code,
        "municipality_code": posting.municipality_code or "", "remote": posting.remote,
        "skills": "、".join(posting.skills), "deadline": posting.deadline,
    }
    for spec in posting_type.fields:
        if hasattr(posting, spec.name) and spec.name in {"capacity", "employment_form", "monthly_budget_max",
                                                         "hours_per_month", "months", "categories"}:
            data[spec.name] = getattr(posting, spec.name)
        else:
            source = posting.confidential if spec.confidential else posting.details
            data[spec.name] = from_storable(spec, source.get(spec.name))
    return data


class CloseForm(FlaskForm):
    reason = SelectField(_l("終了の理由"), choices=[
        (CloseReason.FILLED.value, _l("充足した")), (CloseReason.WITHDRAWN.value, _l("取り下げる")),
    ])
    submit = SubmitField(_l("募集を終了する"))


class ButtonForm(FlaskForm):
    """A form with only a CSRF token and a button."""

    submit = SubmitField(_l("実行"))


class ReviewForm(FlaskForm):
    comment = TextAreaField(_l("コメント（修正依頼のときは必須）"), validators=[max_length(2000), CleanText(multiline=True)],
                            filters=[strip_text])
    approve = SubmitField(_l("承認して公開"))
    request_changes = SubmitField(_l("修正を依頼"))
