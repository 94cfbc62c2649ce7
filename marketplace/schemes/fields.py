"""Declarations of scheme-specific form fields, turned into WTForms fields by ``schemes.forms``."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from marketplace.matching.records import IPA_LEVEL4_EXAMS

Choices = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class FieldSpec:
    """One extra field of a scheme's posting or candidate opt-in.

    ``kind``: text, textarea, int, money (yen), choice, multi, bool, date, url.
    Fields whose ``name`` is a posting column (capacity, employment_form, months,
    monthly_budget_max, hours_per_month, categories) are stored there; the others in
    ``details`` (or ``confidential`` when ``confidential`` is set).
    """

    name: str
    label: Any
    kind: str = "text"
    choices: Choices = ()
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    help: Any = None
    confidential: bool = False
    #: The label on pages that show the value (the form's label may say who sees it, e.g. 「（非公開）」,
    #: which is wrong next to the value for a viewer entitled to see it).
    display_label: Any = None


def label_of(choices: Choices, value: str) -> Any:
    """The display label of ``value`` among ``choices`` (the value itself when unknown)."""
    return dict(choices).get(value, value)


# --- shared vocabularies ------------------------------------------------------------
ACCELERATOR_FORMS: Choices = (
    ("permanent", _l("任期なし常勤")), ("fixed_term", _l("任期付")), ("part_time", _l("非常勤")),
    ("contract", _l("委託")), ("secondment", _l("出向（人材プール協力企業から）")),
)
SIDE_JOB_FORMS: Choices = (("side_job", _l("副業・兼業（業務委託）")), ("full_time", _l("常勤雇用")))
SUCCESSION_FORMS: Choices = (("owner_successor", _l("後継経営者")), ("right_hand", _l("右腕人材・幹部候補")))
STARTUP_EXITS: Choices = (
    ("procurement", _l("自治体による導入（調達）")), ("joint_promotion", _l("普及への協力（共同PR）")),
    ("joint_development", _l("共同開発・実証実験")),
)
ADVISER_PROGRAMMES: Choices = (
    ("dx", _l("DXアドバイザー")), ("regional_informatization", _l("地域情報化アドバイザー")),
    ("gx", _l("GXアドバイザー")), ("decarbonization", _l("脱炭素まちづくりアドバイザー")),
)
SUPPORT_TASKS: Choices = (
    ("dx_plan", _l("DX推進計画の策定")), ("standardisation_cloud", _l("標準化・ガバメントクラウド移行の助言")),
    ("bpr_procurement", _l("BPR・調達支援")), ("data_use", _l("データ利活用")),
    ("training", _l("職員研修")), ("security", _l("セキュリティ研修・監査")),
)
FOCUS_THEMES: Choices = (
    ("joint_procurement", _l("共同調達")), ("front_yard", _l("フロントヤード改革")), ("internal_dx", _l("庁内DX")),
    ("data_use", _l("データ利活用")), ("hr_policy", _l("人材確保・育成方針")), ("ai_use", _l("AI利用促進")),
)
MISSIONS: Choices = (
    ("productivity", _l("生産性向上")), ("sales_channels", _l("販路拡大")), ("new_business", _l("新規事業")),
    ("efficiency", _l("業務効率化")), ("hr_system", _l("人事制度")), ("ec_site", _l("ECサイト")), ("dx", _l("DX")),
)
INDUSTRIES: Choices = (
    ("manufacturing", _l("製造業")), ("food_processing", _l("食品加工")), ("retail", _l("小売")),
    ("wholesale", _l("卸売")), ("construction", _l("建設")), ("restaurant", _l("飲食")),
    ("lodging", _l("宿泊・観光")), ("agriculture", _l("農林水産")), ("services", _l("サービス")),
    ("healthcare", _l("医療・介護")),
)
SALES_BANDS: Choices = (
    ("lt_10m", _l("1千万円未満")), ("10m_50m", _l("1千万〜5千万円")), ("50m_100m", _l("5千万〜1億円")),
    ("100m_500m", _l("1億〜5億円")), ("gt_500m", _l("5億円超")),
)
EMPLOYEE_BANDS: Choices = (
    ("0_5", _l("5人以下")), ("6_20", _l("6〜20人")), ("21_50", _l("21〜50人")), ("gt_50", _l("51人以上")),
)
HANDOVER: Choices = (
    ("customers", _l("顧客")), ("suppliers", _l("仕入先")), ("premises", _l("店舗・工場などの設備")),
    ("knowhow", _l("技術・ノウハウ")), ("brand", _l("ブランド・屋号")), ("staff", _l("従業員")),
)
FUNDS_BANDS: Choices = (
    ("none", _l("自己資金なし")), ("lt_5m", _l("500万円未満")), ("5m_20m", _l("500万〜2千万円")),
    ("gt_20m", _l("2千万円以上")),
)
STARTUP_CATEGORIES: Choices = (
    ("living_childcare", _l("暮らし・子育て")), ("public_hearing", _l("広聴・広報")),
    ("childcare_education", _l("子育て・教育")), ("health_medical", _l("健康・医療")),
    ("welfare", _l("福祉・生活支援")), ("industry_business", _l("産業・ビジネス")),
    ("agriculture", _l("農林水産")), ("tourism_culture", _l("観光・文化・スポーツ")),
    ("infrastructure", _l("インフラ・施設管理")), ("environment", _l("環境・ごみ・リサイクル")),
)
BUDGET_STATUS: Choices = (
    ("secured", _l("予算確保済み")), ("requesting", _l("予算要求中")), ("none", _l("予算未定（実証は無償希望）")),
)
DELIVERY: Choices = (("online", _l("オンライン")), ("onsite", _l("現地")), ("either", _l("どちらでも")))
IPA_EXAMS: Choices = tuple((code, names[0]) for code, names in IPA_LEVEL4_EXAMS.items())
