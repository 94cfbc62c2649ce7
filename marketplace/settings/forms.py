"""The notification settings form: one choice of mode per topic."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

from marketplace.core.forms import input_required
from marketplace.models import DeliveryMode
from marketplace.digests.notifications import MODE_LABELS

FIELD_PREFIX = "topic_"


class NotificationSettingsBase(FlaskForm):
    submit = SubmitField(_l("保存する"))


def field_name(topic: str) -> str:
    return FIELD_PREFIX + topic


def settings_form_class(topics: list[tuple[str, object, object]]) -> type[NotificationSettingsBase]:
    """A form class with one select per ``(topic, label, description)``."""
    choices = [(mode.value, MODE_LABELS[mode]) for mode in DeliveryMode]
    fields = {field_name(topic): SelectField(label, choices=choices, validators=[input_required()],
                                             description=description)
              for topic, label, description in topics}
    return type("NotificationSettingsForm", (NotificationSettingsBase,), fields)


class UnsubscribeForm(FlaskForm):
    """The confirmation button (the endpoint is CSRF-exempt for one-click; the signed token is the check)."""

    class Meta:
        csrf = False

    submit = SubmitField(_l("配信を停止する"))


class CalendarFeedForm(FlaskForm):
    """Make the calendar URL (the first time) or replace it (after the confirmation page)."""

    submit = SubmitField(_l("カレンダーのURLを作る"))


class RegenerateCalendarForm(FlaskForm):
    """The confirmation of replacing the calendar URL."""

    submit = SubmitField(_l("URLを作り直す"))
