"""Translated labels of the privacy records' codes (fields, legal bases, consents, requests)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS = {
    "field": {"display_name": _l("氏名"), "email": _l("メールアドレス"), "phone": _l("電話番号"),
              "profile": _l("プロフィール"), "firm_identity": _l("事業者名")},
    "basis": {"consent:introduction": _l("紹介への同意"), "consent:profile_visibility": _l("プロフィールの公開範囲の設定")},
    "consent": {"introduction": _l("紹介への回答"), "succession_nda": _l("秘密保持の誓約"),
                "profile_visibility": _l("プロフィールの公開範囲"), "terms": _l("利用規約")},
    "request": {"correction": _l("訂正"), "stop_use": _l("利用停止"), "resume_use": _l("利用再開"),
                "deletion": _l("削除")},
}


def privacy_label(kind: str, code: str) -> object:
    """The label of ``code`` in table ``kind`` (the code itself when unknown)."""
    return LABELS.get(kind, {}).get(code, code)
