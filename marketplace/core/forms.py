"""Field helpers shared by every blueprint's forms: Japanese messages and text cleaning."""
from __future__ import annotations

import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

#: Characters never accepted in text fields: C0/C1 controls (except tab/newline), bidi overrides.
_FORBIDDEN_CATEGORIES = {"Cc", "Cs", "Co"}
_BIDI_CONTROLS = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}


def required() -> DataRequired:
    return DataRequired(message=_l("入力してください。"))


def input_required() -> InputRequired:
    return InputRequired(message=_l("選択してください。"))


def max_length(n: int, min_n: int = -1) -> Length:
    if min_n > 0:
        return Length(min=min_n, max=n, message=_l("%(min)d〜%(max)d文字で入力してください。"))
    return Length(max=n, message=_l("%(max)d文字以内で入力してください。"))


def email_address() -> Email:
    return Email(message=_l("メールアドレスの形式が正しくありません。"), check_deliverability=False)


def strip_text(value: Any) -> Any:
    """Filter: trim surrounding white space of strings."""
    return value.strip() if isinstance(value, str) else value


class CleanText:
    """Validator refusing control characters and bidi overrides that would garble the display."""

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, form: Any, field: Any) -> None:
        value = field.data or ""
        allowed = {"\n", "\r", "\t"} if self.multiline else set()
        for ch in value:
            if ch in allowed:
                continue
            if unicodedata.category(ch) in _FORBIDDEN_CATEGORIES or ch in _BIDI_CONTROLS:
                raise ValidationError(_l("使用できない制御文字が含まれています。"))


class UniqueSelectMultipleField(SelectMultipleField):
    """A multiple choice whose values are kept once each, in the order sent.

    A client sending one category 200 times gets it stored once; more distinct values than the
    field offers cannot pass (each must be one of the choices), so the list is bounded by them.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(list(dict.fromkeys(valuelist)))


class TagCount:
    """Validator: a comma/、-separated list holds at most ``limit`` distinct tags (``parse_tags``)."""

    def __init__(self, limit: int = 30) -> None:
        self.limit = limit

    def __call__(self, form: Any, field: Any) -> None:
        from marketplace.core.text import parse_tags

        if len(parse_tags(field.data or "", limit=self.limit + 1)) > self.limit:
            raise ValidationError(_l("入力できるのは%(max)d件までです。", max=self.limit))


def _browser_formdata(self: Any, form: Any, formdata: Any) -> Any:
    """Flask-WTF's ``wrap_formdata`` limited to what a browser form sends.

    Flask-WTF also feeds forms uploaded files under any name and JSON bodies; a file (or a JSON
    number, list or object) then reaches a text field whose validators expect a string, and the
    request ends in a 500. Here files reach only file fields, and JSON is not form input.
    """
    from flask import request
    from flask_wtf.form import _Auto
    from werkzeug.datastructures import CombinedMultiDict, MultiDict
    from wtforms.fields import FileField

    if formdata is not _Auto:
        return formdata
    if not request or request.method not in {"POST", "PUT", "PATCH", "DELETE"}:
        return None
    if request.files:
        file_fields = {field.name for field in form if isinstance(field, FileField)}
        files = MultiDict([(k, v) for k, v in request.files.items(multi=True) if k in file_fields])
        return CombinedMultiDict((files, request.form))
    return request.form or None


#: Fields every form has under the same name, rendered without an ``id`` unless a template gives one:
#: a page holding several forms would otherwise repeat ``id="csrf_token"`` / ``id="submit"`` (invalid
#: HTML). No label points at them (a hidden token; a submit button is labelled by its value).
_FIELDS_WITHOUT_ID = {"CSRFTokenField", "SubmitField"}


def _first_option_value(field: Any) -> Any:
    if field.has_groups():
        for _group, choices in field.iter_groups():
            for choice in choices:
                return choice[0]
        return None
    for choice in field.iter_choices():
        return choice[0]
    return None


def _render_field(self: Any, field: Any, render_kw: dict) -> Any:
    from wtforms.meta import DefaultMeta
    from wtforms.widgets import Select

    if field.type in _FIELDS_WITHOUT_ID and "id" not in render_kw:
        render_kw = {**render_kw, "id": False}  # wtforms leaves out an attribute whose value is False
    if (isinstance(field.widget, Select) and not field.widget.multiple and field.flags.required
            and "required" not in render_kw
            and _first_option_value(field) not in ("", None)):
        # A single choice without an empty first option always sends a value: `required` means
        # nothing to the browser there and is invalid HTML; say it to assistive technology instead
        # (the server validates either way).
        render_kw = {**render_kw, "required": False, "aria-required": "true"}
    return DefaultMeta.render_field(self, field, render_kw)


def distinct_ids(form: Any, prefix: str) -> Any:
    """Give the fields of ``form`` ids starting with ``prefix-`` (names unchanged), for pages holding
    several forms with fields of the same name; labels follow. Returns the form."""
    for field in form:
        field.id = f"{prefix}-{field.name}"
        field.label.field_id = field.id
    return form


def install_browser_formdata() -> None:
    """Make every ``FlaskForm`` read only browser form data (see ``_browser_formdata``) and render the
    token and submit fields without a shared id (see ``_render_field``)."""
    from flask_wtf import FlaskForm

    FlaskForm.Meta.wrap_formdata = _browser_formdata  # type: ignore[method-assign]
    FlaskForm.Meta.render_field = _render_field  # type: ignore[method-assign]


def _messages(errors: Any) -> list[str]:
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, (list, tuple)):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)] if errors else []


def flash_form_errors(forms: Any) -> None:
    """Flash each distinct error of ``forms`` (or a general request to check the input when they have
    none). Pages that hide a form once it no longer applies — an answered introduction, a recorded
    follow-up — would otherwise refuse a submission without saying why."""
    from flask import flash

    seen: list[str] = []
    for form in forms:
        for message in _messages(getattr(form, "errors", None)):
            if message not in seen:
                seen.append(message)
    for message in seen or [str(_l("入力内容を確認してください。"))]:
        flash(message, "error")
