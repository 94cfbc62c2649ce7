"""Japanese labels (msgids) and yen formatting for the funding panel.

The only module of ``marketplace.funding`` that imports Flask-Babel; the rules stay pure.
Programme names live with the engine's other funding codes in ``marketplace.suggestions.reasons``.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask import Flask

STATUS_LABELS = {
    "applies": _l("対象になる見込み"),
    "not_met": _l("条件を満たしていません"),
    "unknown": _l("確認が必要です"),
}
INSTRUMENT_LABELS = {
    "ordinary_allocation_tax": _l("普通交付税"),
    "special_allocation_tax": _l("特別交付税"),
    "subsidy": _l("補助金"),
    "dispatch": _l("専門家の派遣"),
}
UNIT_LABELS = {
    "person": _l("1人あたり"),
    "case": _l("1件あたり"),
    "organisation": _l("1団体あたり"),
    "municipality": _l("1市町村あたり"),
    "prefecture": _l("1都道府県あたり"),
}
COST_LABELS = {
    "personnel": _l("人件費・委託費（年額）"),
    "recruitment": _l("募集経費"),
    "referral_fee": _l("紹介手数料"),
    "remuneration": _l("報酬（月額×契約月数）"),
    "travel": _l("交通費・旅費"),
    "hub_programme": _l("事業費（調査・マッチング・トライアル・コーディネーター）"),
}
NOTE_LABELS = {
    "approximate": _l("金額は国の説明資料にある目安（程度）です。"),
    "to_local_government": _l("国から自治体への財政措置です（民間企業への補助金ではありません）。"),
    "permanent_excluded": _l("普通交付税の対象となる常勤職員の人件費は対象外です。"),
    "cap_shared_by_organisation": _l("上限は団体ごとの年度の総額で、この案件だけの枠ではありません。"),
    "cio_advisory_work_only": _l("全庁的なDX推進の助言業務に当たるものが対象です（単なる計画策定の委託は対象外）。"),
    "fiscal_capacity_adjusted": _l("措置率は財政力に応じて補正されます（見込み額は補正前）。"),
    "local_projects_only": _l("地方単独事業の経費だけが対象です。"),
    "costs_borne_by_jfm": _l("派遣の経費は地方公共団体金融機構が負担します。"),
    "fee_from_budget_max": _l("報酬は募集にある月額報酬の上限から計算しています。"),
}
CAP_BASIS_LABELS = {
    "eligible_cost": _l("対象経費の上限"),
    "share": _l("交付額の上限"),
}


def condition_label(code: str, conditions: Mapping[str, Any] | None = None) -> str:
    """The condition ``code`` as a statement of what must hold (parameters from the programme)."""
    conditions = conditions or {}
    if code == "max_months":
        return _("契約期間が%(months)sか月以内であること", months=conditions.get("max_months", "?"))
    if code == "max_persons":
        return _("1団体%(persons)s人までの措置の枠に空きがあること", persons=conditions.get("max_persons", "?"))
    labels = {
        "posting_type": _l("対象となる種類の募集であること"),
        "employment_form": _l("対象となる任用・契約形態であること"),
        "employment_form_to_confirm": _l("任用形態（任期付・出向）が常勤・非常勤のどちらに当たるかの確認"),
        "first_time_user": _l("プロ人材拠点を通じた副業人材の活用が初めての企業であること"),
        "via_pro_hub": _l("プロ人材拠点を通じた案件であること"),
        "municipal_hub": _l("市町村がハブとなって行うマッチング支援事業であること"),
        "municipal_plan": _l("市町村が事業計画を策定していること"),
    }
    return str(labels.get(code, code))


def funding_label(kind: str, code: str | None) -> str:
    """A label from one of the tables above: ``status``, ``instrument``, ``unit``, ``cost``, ``note``, ``cap_basis``."""
    table = {"status": STATUS_LABELS, "instrument": INSTRUMENT_LABELS, "unit": UNIT_LABELS, "cost": COST_LABELS,
             "note": NOTE_LABELS, "cap_basis": CAP_BASIS_LABELS}[kind]
    return str(table.get(code or "", code or ""))


def format_yen(value: int | None, language: str = "ja") -> str:
    """``¥21,000,000（2,100万円）`` in Japanese, ``¥21,000,000`` in English; ``None`` → ``""``.

    Amounts that are not whole 万 show the 万円 figure rounded: ``¥9,333,333（約933万円）``.
    """
    if value is None:
        return ""
    plain = f"¥{value:,}"
    if language == "en" or abs(value) < 10_000:
        return plain
    man, rest = divmod(value, 10_000)
    if rest == 0:
        return f"{plain}（{man:,}万円）"
    return f"{plain}（約{round(value / 10_000):,}万円）"


def register_funding_helpers(app: Flask) -> None:
    """Jinja helpers for the funding panel: ``yen`` and ``reiwa_fy`` filters, label globals."""
    from marketplace.funding.programmes import load_catalogue
    from marketplace.core.i18n import current_language, reiwa_fiscal_year_label

    app.jinja_env.filters["yen"] = lambda value: format_yen(value, current_language())
    app.jinja_env.filters["reiwa_fy"] = lambda fy: reiwa_fiscal_year_label(fy, current_language())
    app.jinja_env.globals["funding_label"] = funding_label
    app.jinja_env.globals["funding_condition_label"] = condition_label
    app.jinja_env.globals["funding_catalogue"] = load_catalogue
