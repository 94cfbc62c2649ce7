"""Human labels for the matching engine's stable reason and funding codes."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

REASON_LABELS = {
    "needs_review": _l("同等の知識・経験の申告（コーディネーターの確認が必要）"),
    "fee_slightly_above_budget": _l("希望報酬が予算の上限に近い"),
    "hours_slightly_below_need": _l("稼働時間が想定をやや下回る"),
    "onsite_required": _l("現地勤務が必要（本人はリモート希望）"),
    "form_unstated": _l("希望する働き方が未入力"),
    "available_later": _l("開始可能日が遅い"),
    "side_job_subsidy": _l("副業・兼業人材の活用補助（8/10、上限50万円）"),
    "ordinary_allocation_tax": _l("普通交付税（常勤職員）"),
    "special_allocation_tax": _l("特別交付税（非常勤・委託、0.7）"),
    "succession_hub_special_allocation_tax": _l("事業承継等人材マッチング支援の特別交付税（0.5、上限1,500万円）"),
    "cio_adviser_special_allocation_tax": _l("CIO補佐官等の任用に係る特別交付税（0.7、3人まで）"),
    "accelerator_recruitment_special_allocation_tax": _l("アクセラレータの募集経費に係る特別交付税（0.7）"),
    "cio_adviser_recruitment_special_allocation_tax": _l("CIO補佐官等の募集経費に係る特別交付税（0.7、上限100万円）"),
    "dx_adviser_dispatch": _l("DXアドバイザー派遣（年5回まで、費用負担なし）"),
    "regional_informatization_adviser": _l("地域情報化アドバイザー派遣"),
}


def reason_label(code: str) -> str:
    """The label of ``code``; unknown codes are shown as they are."""
    return str(REASON_LABELS.get(code, code))
