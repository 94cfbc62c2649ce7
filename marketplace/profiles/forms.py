"""Forms of the candidates blueprint: the profile (with career history) and scheme opt-ins."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, Regexp

from marketplace.core.forms import CleanText, TagCount, UniqueSelectMultipleField, max_length, required, strip_text
from marketplace.models import FieldVisibility, Visibility
from marketplace.schemes import fields as f
from marketplace.schemes.forms import CheckboxListField, ExamChecklistField, form_class
from marketplace.schemes.registry import Scheme
from marketplace.profiles import visibility
from marketplace.profiles.operations import Career, ProfileData
from marketplace.core.text import parse_tags

VISIBILITY_CHOICES = [(level.value, label) for level, label in visibility.LISTING_LABELS.items()]


def field_visibility_field(name: str, label: object) -> RadioField:
    return RadioField(label, choices=[(level.value, visibility.LEVEL_LABELS[level]) for level in visibility.CHOICES[name]],
                      default=visibility.DEFAULTS[name].value, validators=[Optional()],
                      description=_l("プロフィールの概要を見られる相手より広くは表示されません。"))
ALL_FORMS = f.ACCELERATOR_FORMS + f.SIDE_JOB_FORMS + f.SUCCESSION_FORMS


class CareerForm(Form):
    organisation = StringField(_l("勤務先"), validators=[Optional(), max_length(200), CleanText()], filters=[strip_text])
    role = StringField(_l("役職・担当"), validators=[Optional(), max_length(200), CleanText()], filters=[strip_text])
    years = DecimalField(_l("年数"), places=1, validators=[Optional(), NumberRange(min=0, max=60, message=_l("0〜60の範囲で入力してください。"))])
    description = TextAreaField(_l("内容"), validators=[Optional(), max_length(2000), CleanText(multiline=True)],
                                filters=[strip_text])


class ProfileForm(FlaskForm):
    display_name = StringField(_l("表示名"), validators=[required(), max_length(100), CleanText()], filters=[strip_text])
    residence_prefecture = SelectField(_l("お住まいの都道府県"), choices=[], validators=[Optional()])
    work_prefectures = UniqueSelectMultipleField(_l("働ける・移住できる都道府県"), choices=[], validators=[Optional()],
                                                 description=_l("当てはまる都道府県にすべてチェックを入れてください（地方ごとにまとめています）。"))
    remote = RadioField(_l("リモートワークの希望"), choices=[
        ("remote", _l("リモートを希望")), ("either", _l("どちらでもよい")), ("onsite", _l("現地で働きたい")),
    ], default="either")
    available_from = DateField(_l("開始可能日"), validators=[Optional()])
    hours_per_month = IntegerField(_l("月に使える時間"), validators=[Optional(), NumberRange(min=1, max=300, message=_l("1〜300の範囲で入力してください。"))])
    employment_forms = CheckboxListField(_l("受けられる働き方"), choices=list(ALL_FORMS), validators=[Optional()])
    compensation_min = IntegerField(_l("希望報酬の下限（月額・円）"), validators=[Optional(), NumberRange(min=0, max=10_000_000, message=_l("0〜10,000,000の範囲で入力してください。"))])
    compensation_max = IntegerField(_l("希望報酬の上限（月額・円）"), validators=[Optional(), NumberRange(min=0, max=10_000_000, message=_l("0〜10,000,000の範囲で入力してください。"))])
    skills = StringField(_l("スキル（読点またはカンマ区切り）"), validators=[max_length(1000), CleanText(), TagCount()], filters=[strip_text])
    qualifications = ExamChecklistField(_l("IPA高度試験（合格したもの）"), choices=list(f.IPA_EXAMS), validators=[Optional()])
    other_qualifications = TextAreaField(_l("その他の資格"), validators=[max_length(1000), CleanText(multiline=True)], filters=[strip_text],
                                         description=_l("IPA高度試験の合格をここに書いた場合（旧試験名を含む）も、上の一覧に反映します。"))
    self_intro = TextAreaField(_l("自己紹介"), validators=[max_length(4000), CleanText(multiline=True)], filters=[strip_text])
    phone = StringField(_l("電話番号"), description=_l("下の「連絡先を見られる相手」で選んだ相手と、紹介が成立した相手に表示します。"), validators=[
        Optional(), Regexp(r"^[0-9０-９+\-－ ()（）]{6,20}$", message=_l("電話番号は数字とハイフンで入力してください。"))],
        filters=[strip_text])
    visibility = RadioField(_l("プロフィールの概要（スキル・地域・時間・参加制度）を見られる相手"), choices=VISIBILITY_CHOICES,
                            default=Visibility.COORDINATORS.value)
    name_visibility = field_visibility_field("name", _l("お名前を見られる相手（紹介の前）"))
    contact_visibility = field_visibility_field("contact", _l("連絡先（メールアドレス・電話番号）を見られる相手（紹介の前）"))
    career_visibility = field_visibility_field("career", _l("職歴を見られる相手（紹介の前）"))
    intro_visibility = field_visibility_field("intro", _l("自己紹介を見られる相手（紹介の前）"))
    careers = FieldList(FormField(CareerForm), min_entries=1, max_entries=10)
    submit = SubmitField(_l("プロフィールを保存"))

    def to_data(self) -> ProfileData:
        # entry.form, not the FormField itself: FormField.description shadows the sub-field.
        entries = [entry.form for entry in self.careers]
        careers = [Career(organisation=c.organisation.data, role=c.role.data or "",
                          years=float(c.years.data) if c.years.data is not None else None,
                          description=c.description.data or "")
                   for c in entries if c.organisation.data]
        return ProfileData(
            display_name=self.display_name.data, residence_prefecture=self.residence_prefecture.data or None,
            work_prefectures=list(self.work_prefectures.data or []), remote=self.remote.data,
            available_from=self.available_from.data, hours_per_month=self.hours_per_month.data,
            employment_forms=list(self.employment_forms.data or []), compensation_min=self.compensation_min.data,
            compensation_max=self.compensation_max.data, skills=parse_tags(self.skills.data or ""),
            qualifications=list(self.qualifications.data or []), other_qualifications=self.other_qualifications.data or "",
            self_intro=self.self_intro.data or "", phone=self.phone.data or "",
            visibility=Visibility(self.visibility.data), careers=careers,
            # a choice left out of the request keeps the stored one
            field_visibility={name: FieldVisibility(getattr(self, visibility.COLUMNS[name]).data)
                              for name in visibility.FIELDS if getattr(self, visibility.COLUMNS[name]).raw_data},
        )


class OptInBaseForm(FlaskForm):
    submit = SubmitField(_l("この制度に参加する／更新する"))


_CACHE: dict[str, type[OptInBaseForm]] = {}


def opt_in_form_class(scheme: Scheme) -> type[OptInBaseForm]:
    if scheme.code.value not in _CACHE:
        _CACHE[scheme.code.value] = form_class(f"{scheme.code.value}_opt_in", OptInBaseForm, scheme.candidate_fields)
    return _CACHE[scheme.code.value]


class ConfirmDeleteForm(FlaskForm):
    confirm = StringField(_l("確認のため「削除」と入力してください"), validators=[required()], filters=[strip_text])
    submit = SubmitField(_l("アカウントを削除する"))


class CorrectionForm(FlaskForm):
    note = TextAreaField(_l("訂正してほしい内容"), validators=[required(), max_length(2000), CleanText(multiline=True)],
                         filters=[strip_text],
                         description=_l("プロフィールの内容はご自身でいつでも直せます。メールアドレスなど、ご自身で直せない項目を書いてください。"))
    submit = SubmitField(_l("訂正を依頼する"))
