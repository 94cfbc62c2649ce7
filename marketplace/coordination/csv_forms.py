"""Forms of the coordinators' CSV pages: an upload, and the commit of a checked file."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SubmitField


class CsvUploadForm(FlaskForm):
    """A CSV file to check; nothing is stored until the preview is confirmed."""

    file = FileField(_l("CSVファイル"), validators=[FileRequired(message=_l("CSVファイルを選択してください。"))])
    submit = SubmitField(_l("内容を確認する"))


class CsvCommitForm(FlaskForm):
    """The checked file, signed, sent back to be stored."""

    token = HiddenField()
    submit = SubmitField(_l("すべて登録する"))
