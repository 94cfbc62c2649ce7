"""Translated labels of the pipeline's codes, for forms and templates."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "suggested": _l("提案"),
    "on_hold": _l("保留"),
    "rejected": _l("見送り"),
    "approved": _l("紹介の回答待ち"),
    "introduced": _l("紹介済み"),
    "in_talks": _l("協議中"),
    "trial": _l("お試し期間"),
    "agreed": _l("合意"),
    "closed": _l("終了"),
}

OUTCOME_LABELS = {
    "hired": _l("採用・任用"),
    "contracted": _l("契約"),
    "succeeded": _l("事業承継"),
    "adopted": _l("導入"),
    "not_agreed": _l("合意に至らず"),
    "withdrawn": _l("辞退・取り下げ"),
    "declined": _l("紹介を辞退"),
}

REJECT_REASON_LABELS = {
    "not_eligible": _l("応募要件を満たさない"),
    "rules_not_met": _l("制度の条件に合わない"),
    "skills_mismatch": _l("スキルが合わない"),
    "location_mismatch": _l("地域・勤務形態が合わない"),
    "conditions_mismatch": _l("報酬・時間などの条件が合わない"),
    "duplicate": _l("重複"),
    "other": _l("その他"),
}

ADOPTION_ROUTE_LABELS = {
    "competitive_tender": _l("競争入札"),
    "proposal": _l("公募型プロポーザル"),
    "negotiated_contract": _l("随意契約"),
}

APPOINTMENT_LABELS = {"recommended": _l("推薦済み"), "appointed": _l("任命済み")}

EVENT_LABELS = {
    "transition": _l("段階の変更"),
    "note": _l("メモ"),
    "consent": _l("紹介への回答"),
    "interest": _l("関心の表明"),
    "interest_withdrawn": _l("関心の取り下げ"),
    "next_step": _l("次の一手"),
    "trial": _l("お試し期間"),
    "details": _l("記録"),
    "debrief": _l("振り返り"),
    "follow_up": _l("フォローアップ"),
}


POSTING_STATUS_LABELS = {
    "draft": _l("下書き"),
    "in_review": _l("審査中"),
    "published": _l("公開中"),
    "closed": _l("終了"),
}

SIDE_LABELS = {"seeker": _l("候補側"), "poster": _l("募集側")}
CONSENT_NOTES = {
    ("seeker", "accepted"): _l("候補側が紹介を承諾しました"),
    ("seeker", "declined"): _l("候補側が紹介を辞退しました"),
    ("poster", "accepted"): _l("募集側が紹介を承諾しました"),
    ("poster", "declined"): _l("募集側が紹介を辞退しました"),
}


def _parse_day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def event_note(event) -> str:
    """The note of a timeline event in words.

    Notes of most kinds are free text typed by a person and shown as written. A few kinds store a
    short machine-made note (``seeker:accepted``, ``2026-11-06 – 2027-01-05``, ``adoption_route=…``,
    ``3: yes``); those are turned into a sentence in the reader's language here, so that no stored
    code reaches the page.
    """
    from flask_babel import gettext as _

    from marketplace.core.i18n import format_date, format_period

    note = (event.note or "").strip()
    kind = event.kind
    if kind == "consent" and ":" in note:
        side, _sep, answer = note.partition(":")
        label = CONSENT_NOTES.get((side, answer))
        return str(label) if label else note
    if kind == "debrief" and note in SIDE_LABELS:
        return _("%(side)sが振り返りを記入しました", side=SIDE_LABELS[note])
    if kind == "trial" and "–" in note:
        start, _sep, end = note.partition("–")
        starts_on, ends_on = _parse_day(start), _parse_day(end)
        if starts_on or ends_on:
            return format_period(starts_on, ends_on)
        return note
    if kind == "follow_up" and ":" in note:
        months, _sep, answer = note.partition(":")
        if months.strip().isdigit() and answer.strip() in ("yes", "no"):
            state = _("継続しています") if answer.strip() == "yes" else _("継続していません")
            return _("%(months)sか月後: %(state)s", months=months.strip(), state=state)
        return note
    if kind == "next_step" and note.endswith(")") and " (" in note:
        text, _sep, due = note[:-1].rpartition(" (")
        if due == "-":
            return _("%(step)s（期日なし）", step=text)
        day = _parse_day(due)
        if day:
            return _("%(step)s（期日: %(date)s）", step=text, date=format_date(day))
        return note
    if kind == "details" and "=" in note:
        parts = []
        for item in note.split(";"):
            key, _sep, value = item.strip().partition("=")
            value = value.strip()
            if key == "adoption_route":
                parts.append(_("導入の方法: %(value)s", value=ADOPTION_ROUTE_LABELS.get(value, _("未定"))))
            elif key == "budget":
                parts.append(_("予算の時期: %(value)s", value=value or _("未定")))
            elif key == "appointment":
                parts.append(_("任用の状況: %(value)s", value=APPOINTMENT_LABELS.get(value, _("未定"))))
            else:
                return note
        return "、".join(str(part) for part in parts)
    return note


def label_helpers() -> dict[str, object]:
    """Template functions: ``status_label(code)`` and friends (unknown codes show as they are)."""
    def lookup(table: dict[str, object]):
        return lambda code: table.get(code, code or "") if code else ""

    return {"status_label": lookup(STATUS_LABELS), "outcome_label": lookup(OUTCOME_LABELS),
            "event_label": lookup(EVENT_LABELS), "reject_reason_label": lookup(REJECT_REASON_LABELS),
            "adoption_route_label": lookup(ADOPTION_ROUTE_LABELS), "appointment_label": lookup(APPOINTMENT_LABELS),
            "posting_status_label": lookup(POSTING_STATUS_LABELS), "event_note": event_note}
