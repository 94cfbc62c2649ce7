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
    "next_step": _l("次の一手"),
    "trial": _l("お試し期間"),
    "details": _l("記録"),
    "debrief": _l("振り返り"),
    "follow_up": _l("フォローアップ"),
}


def label_helpers() -> dict[str, object]:
    """Template functions: ``status_label(code)`` and friends (unknown codes show as they are)."""
    def lookup(table: dict[str, object]):
        return lambda code: table.get(code, code or "") if code else ""

    return {"status_label": lookup(STATUS_LABELS), "outcome_label": lookup(OUTCOME_LABELS),
            "event_label": lookup(EVENT_LABELS), "reject_reason_label": lookup(REJECT_REASON_LABELS),
            "adoption_route_label": lookup(ADOPTION_ROUTE_LABELS), "appointment_label": lookup(APPOINTMENT_LABELS)}
