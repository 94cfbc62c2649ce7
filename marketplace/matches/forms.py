"""Forms of the match pipeline: the participants' and the coordinators'."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from marketplace.core.forms import CleanText, input_required, max_length, required, strip_text
from marketplace.matches.labels import (
    ADOPTION_ROUTE_LABELS,
    APPOINTMENT_LABELS,
    OUTCOME_LABELS,
    REJECT_REASON_LABELS,
    STATUS_LABELS,
)
from marketplace.matches import machine

def _text(label, n: int, *, optional: bool = True, multiline: bool = False):
    field = TextAreaField if multiline else StringField
    validators = [max_length(n), CleanText(multiline=multiline)]
    if not optional:
        validators.insert(0, required())
    return field(label, validators=validators, filters=[strip_text])


# --- participants ----------------------------------------------------------------------
class RespondForm(FlaskForm):
    nda = BooleanField(_l("秘密保持の誓約（事業者の情報を第三者に漏らさず、承継の検討以外に使いません）に同意します"))
    accept = SubmitField(_l("紹介を受ける"))
    decline = SubmitField(_l("辞退する"))


class MessageForm(FlaskForm):
    body = _text(_l("メッセージ"), 5000, optional=False, multiline=True)
    submit = SubmitField(_l("送信"))


class DebriefForm(FlaskForm):
    fit = RadioField(_l("相性（1: 合わない 〜 5: とても合う）"), choices=[(str(i), str(i)) for i in range(1, 6)],
                     validators=[input_required()])
    would_continue = RadioField(_l("続けたいですか"), choices=[("yes", _l("続けたい")), ("no", _l("続けない"))],
                                validators=[input_required()])
    next_step = _text(_l("次にしたいこと"), 2000, multiline=True)
    submit = SubmitField(_l("振り返りを送る"))


class InterestForm(FlaskForm):
    submit = SubmitField(_l("関心あり"))


# --- coordinators --------------------------------------------------------------------
class ReviewDecisionForm(FlaskForm):
    reason = SelectField(_l("見送りの理由"), choices=[("", "—")] + list(REJECT_REASON_LABELS.items()),
                         validators=[Optional()])
    note = _text(_l("内部メモ"), 2000, multiline=True)
    approve = SubmitField(_l("承認して紹介を打診"))
    hold = SubmitField(_l("保留"))
    reject = SubmitField(_l("見送り"))


class BulkForm(FlaskForm):
    action = SelectField(_l("まとめて行う操作"), choices=[("approve", _l("承認して紹介を打診")), ("hold", _l("保留")),
                                                   ("reject", _l("見送り"))], validators=[input_required()])
    reason = SelectField(_l("見送りの理由"), choices=[("", "—")] + list(REJECT_REASON_LABELS.items()),
                         validators=[Optional()])
    submit = SubmitField(_l("選んだ提案に適用"))


class AdvanceForm(FlaskForm):
    target = SelectField(_l("次の段階"), choices=[], validators=[input_required()])
    outcome = SelectField(_l("結果（合意・終了のとき）"), choices=[], validators=[Optional()])
    note = _text(_l("メモ"), 2000, multiline=True)
    internal = BooleanField(_l("内部メモにする（当事者には表示しません）"))
    submit = SubmitField(_l("段階を進める"))


class NextStepForm(FlaskForm):
    next_step = _text(_l("次の一手"), 200, optional=False)
    due = DateField(_l("期日"), validators=[Optional()])
    submit = SubmitField(_l("次の一手を保存"))


class TrialForm(FlaskForm):
    starts_on = DateField(_l("お試し開始日"), validators=[required()])
    ends_on = DateField(_l("お試し終了日"), validators=[required()])
    submit = SubmitField(_l("お試し期間を保存"))


class DetailsForm(FlaskForm):
    adoption_route = SelectField(_l("導入の方法"), choices=[("", "—")] + list(ADOPTION_ROUTE_LABELS.items()),
                                 validators=[Optional()])
    budget_timing = _text(_l("予算化の時期（例: 令和9年度当初予算）"), 100)
    appointment_status = SelectField(_l("任用の状況"), choices=[("", "—")] + list(APPOINTMENT_LABELS.items()),
                                     validators=[Optional()])
    submit = SubmitField(_l("記録を保存"))


class NoteForm(FlaskForm):
    note = _text(_l("メモ"), 2000, optional=False, multiline=True)
    internal = BooleanField(_l("内部メモにする（当事者には表示しません）"), default=True)
    submit = SubmitField(_l("メモを残す"))


class FollowUpForm(FlaskForm):
    still_going = RadioField(_l("継続していますか"), choices=[("yes", _l("継続中")), ("no", _l("終了した"))],
                             validators=[input_required()])
    note = _text(_l("状況"), 2000, multiline=True)
    submit = SubmitField(_l("記録する"))


def advance_choices(form: AdvanceForm, source: str, scheme_outcomes: tuple[str, ...], has_trial: bool) -> None:
    """Offer only the moves the state machine allows from ``source``."""
    targets = [t for t in machine.allowed_targets(source, machine.Actor.COORDINATOR, has_trial=has_trial)
               if t not in ("approved", "rejected", "on_hold", "suggested")]
    form.target.choices = [(t, STATUS_LABELS[t]) for t in targets]
    outcomes = [o for o in scheme_outcomes if o in machine.SUCCESS_OUTCOMES] + list(machine.FAILURE_OUTCOMES[:2])
    form.outcome.choices = [("", "—")] + [(o, OUTCOME_LABELS[o]) for o in outcomes]

