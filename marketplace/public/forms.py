"""Forms of the public blueprint."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import AnyOf

from marketplace.core.forms import CleanText, max_length, required, strip_text


class SaveSearchForm(FlaskForm):
    name = StringField(_l("検索条件の名前"), validators=[required(), max_length(100), CleanText()], filters=[strip_text])
    target = HiddenField(default="postings", validators=[AnyOf(("postings", "candidates"))])
    submit = SubmitField(_l("この条件を保存"))
