"""Translated labels of the privacy records' codes (fields, legal bases, consents, requests)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS = {
    "field": {"display_name": _l("氏名"), "email": _l("メールアドレス"), "phone": _l("電話番号"),
              "profile": _l("プロフィール"), "firm_identity": _l("事業者名"),
              "career": _l("職歴"), "self_intro": _l("自己紹介")},
    "basis": {"consent:introduction": _l("紹介への同意"), "consent:profile_visibility": _l("プロフィールの公開範囲の設定")},
    "consent": {"introduction": _l("紹介への回答"), "succession_nda": _l("秘密保持の誓約"),
                "profile_visibility": _l("プロフィールの公開範囲"), "terms": _l("利用規約"),
                "name_visibility": _l("お名前の公開範囲"), "contact_visibility": _l("連絡先の公開範囲"),
                "career_visibility": _l("職歴の公開範囲"), "intro_visibility": _l("自己紹介の公開範囲")},
    "request": {"correction": _l("訂正"), "stop_use": _l("利用停止"), "resume_use": _l("利用再開"),
                "deletion": _l("削除")},
}


def privacy_label(kind: str, code: str) -> object:
    """The label of ``code`` in table ``kind`` (the code itself when unknown)."""
    return LABELS.get(kind, {}).get(code, code)


def consent_value_label(kind: str, value: str) -> str:
    """A consent record's stored value in words (``match:12:accepted`` → 「紹介 #12 を承諾」)."""
    from flask_babel import gettext as _

    parts = (value or "").split(":")
    if kind == "profile_visibility":
        from marketplace.profiles.forms import VISIBILITY_CHOICES

        return str(dict(VISIBILITY_CHOICES).get(value, value))
    if kind in ("name_visibility", "contact_visibility", "career_visibility", "intro_visibility"):
        from marketplace.models import FieldVisibility
        from marketplace.profiles.visibility import LEVEL_LABELS

        return str(LEVEL_LABELS[FieldVisibility(value)]) if value in set(FieldVisibility) else value
    if kind == "introduction" and len(parts) == 3 and parts[0] == "match" and parts[1].isdigit():
        if parts[2] == "accepted":
            return _("紹介 #%(id)s を承諾", id=parts[1])
        if parts[2] == "declined":
            return _("紹介 #%(id)s を辞退", id=parts[1])
    if kind == "succession_nda" and len(parts) == 2 and parts[0] == "match" and parts[1].isdigit():
        return _("紹介 #%(id)s", id=parts[1])
    return value
