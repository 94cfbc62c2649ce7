"""The five schemes declared as data: who posts what, each side's extra fields, stages, funding.

Adding a scheme means adding one ``Scheme`` to ``SCHEMES`` (and its rule table in
``marketplace.matching.rules``); views and forms are generated from these declarations.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from marketplace.models.organisations import OrgKind
from marketplace.schemes import fields as f
from marketplace.schemes.codes import SchemeCode
from marketplace.schemes.fields import FieldSpec

#: The pipeline every match follows; schemes may add a trial stage.
BASE_STAGES = ("suggested", "approved", "introduced", "in_talks", "agreed", "closed")


@dataclass(frozen=True)
class PostingType:
    """One kind of posting in a scheme (a need, or — for startups — an offer that is matched)."""

    code: str
    label: object
    poster_kinds: frozenset[OrgKind]
    fields: tuple[FieldSpec, ...]
    side: str = "need"  # "need" postings are matched against "offer" ones and candidates
    remote_from: str | None = None  # a field whose value stands for the remote preference


@dataclass(frozen=True)
class Scheme:
    """A matching scheme: names, posting types, candidate opt-in fields, stages, funding codes."""

    code: SchemeCode
    name_ja: str
    name_en: str
    summary: object
    audience: object
    posting_types: tuple[PostingType, ...]
    candidate_fields: tuple[FieldSpec, ...] = ()
    has_trial: bool = False
    outcomes: tuple[str, ...] = ("not_agreed", "withdrawn")
    funding: tuple[str, ...] = ()
    candidates_opt_in: bool = True

    def name(self, language: str = "ja") -> str:
        return self.name_en if language == "en" else self.name_ja

    @property
    def stages(self) -> tuple[str, ...]:
        if not self.has_trial:
            return BASE_STAGES
        return BASE_STAGES[:4] + ("trial",) + BASE_STAGES[4:]

    def posting_type(self, code: str) -> PostingType | None:
        return next((t for t in self.posting_types if t.code == code), None)


_CAPACITY = FieldSpec("capacity", _l("募集人数"), "int", required=True, minimum=1, maximum=100)
_SUPPORT_TASKS = FieldSpec("support_tasks", _l("支援業務"), "multi", f.SUPPORT_TASKS)
_CONDITIONS = FieldSpec("conditions", _l("勤務条件・待遇"), "textarea", maximum=2000)
_APPLY_URL = FieldSpec("application_url", _l("公式の応募ページ（URL）"), "url", maximum=500)

ACCELERATOR = Scheme(
    code=SchemeCode.ACCELERATOR,
    name_ja="自治体DXアクセラレータ",
    name_en="Municipal DX Accelerators",
    summary=_l("都道府県がデジタル人材の人材プールをつくり、域内の市町村のDXを支援します。全国で約500人を目標に任用が進んでいます。"),
    audience=_l("民間企業や自治体でデジタル分野の実務経験5年以上、またはIPA高度試験の合格者"),
    posting_types=(
        PostingType("position", _l("アクセラレータの募集（都道府県）"), frozenset({OrgKind.PREFECTURE}), (
            _CAPACITY,
            FieldSpec("employment_form", _l("任用形態"), "choice", f.ACCELERATOR_FORMS, required=True),
            FieldSpec("work_area", _l("担当エリア"), "text", maximum=200, help=_l("例: 県内6ブロックのうち幡多ブロック")),
            _SUPPORT_TASKS,
            FieldSpec("categories", _l("重点テーマ"), "multi", f.FOCUS_THEMES),
            FieldSpec("recruitment_start", _l("募集開始日"), "date"),
            _CONDITIONS, _APPLY_URL,
        )),
        PostingType("cio_adviser", _l("CIO補佐官の募集（市町村）"), frozenset({OrgKind.MUNICIPALITY}), (
            _CAPACITY,
            FieldSpec("employment_form", _l("任用形態"), "choice", f.ACCELERATOR_FORMS[2:4], required=True),
            _SUPPORT_TASKS,
            FieldSpec("categories", _l("重点テーマ"), "multi", f.FOCUS_THEMES),
            _CONDITIONS, _APPLY_URL,
        )),
    ),
    candidate_fields=(
        FieldSpec("years_experience", _l("デジタル分野の実務経験（年）"), "int", required=True, minimum=0, maximum=60),
        FieldSpec("exams", _l("合格したIPA高度試験"), "multi", f.IPA_EXAMS),
        FieldSpec("claims_equivalent", _l("同等の知識・経験がある（コーディネーターが確認します）"), "bool"),
        FieldSpec("equivalent_note", _l("同等の知識・経験の内容"), "textarea", maximum=2000),
        FieldSpec("employment_forms", _l("受けられる任用形態"), "multi", f.ACCELERATOR_FORMS),
    ),
    outcomes=("hired", "not_agreed", "withdrawn"),
    funding=("ordinary_allocation_tax", "special_allocation_tax", "cio_adviser_special_allocation_tax"),
)

SIDE_JOB = Scheme(
    code=SchemeCode.SIDE_JOB,
    name_ja="副業・兼業（プロフェッショナル人材）",
    name_en="Side-job professionals",
    summary=_l("都道府県のプロフェッショナル人材戦略拠点が地域企業の課題を整理し、都市部の専門人材を副業・兼業や常勤でつなぎます。"),
    audience=_l("本業を持ちながら地域企業の課題解決に関わりたい専門人材"),
    posting_types=(
        PostingType("project", _l("副業・兼業／プロ人材の募集（地域企業）"),
                    frozenset({OrgKind.FIRM, OrgKind.PRO_HUB, OrgKind.HR_OPERATOR}), (
            FieldSpec("categories", _l("ミッション"), "multi", f.MISSIONS, required=True),
            FieldSpec("employment_form", _l("契約形態"), "choice", f.SIDE_JOB_FORMS, required=True),
            FieldSpec("deliverable", _l("期待する成果"), "textarea", maximum=2000),
            FieldSpec("months", _l("契約期間（月）"), "int", minimum=1, maximum=60,
                      help=_l("国の補助（8/10、上限50万円）は5か月以内の契約が対象です。")),
            FieldSpec("monthly_budget_max", _l("月額報酬の上限（円）"), "money", minimum=0, maximum=10_000_000),
            FieldSpec("hours_per_month", _l("想定する月の稼働時間"), "int", minimum=1, maximum=300),
            FieldSpec("first_time_user", _l("プロ人材拠点経由での副業人材の活用は初めて"), "bool"),
        )),
    ),
    candidate_fields=(
        FieldSpec("hours_per_month", _l("月に使える時間"), "int", required=True, minimum=1, maximum=300),
        FieldSpec("monthly_fee_min", _l("希望する月額報酬の下限（円）"), "money", minimum=0, maximum=10_000_000,
                  help=_l("マッチングにだけ使い、相手には表示しません。")),
        FieldSpec("missions", _l("関わりたいミッション"), "multi", f.MISSIONS),
        FieldSpec("employment_forms", _l("受けられる契約形態"), "multi", f.SIDE_JOB_FORMS),
    ),
    outcomes=("hired", "contracted", "not_agreed", "withdrawn"),
    funding=("side_job_subsidy",),
)

SUCCESSION = Scheme(
    code=SchemeCode.SUCCESSION,
    name_ja="事業承継",
    name_en="Business succession",
    summary=_l("後継者のいない地域の事業者と、事業を引き継ぎたい起業家・後継者候補をつなぎます。事業者名は双方が合意するまで伏せられます。"),
    audience=_l("事業を引き継いで経営したい人、右腕として経営に関わりたい人"),
    posting_types=(
        PostingType("case", _l("事業承継の案件（事業者）"),
                    frozenset({OrgKind.FIRM, OrgKind.SUCCESSION_CENTRE, OrgKind.MUNICIPALITY}), (
            FieldSpec("categories", _l("業種"), "multi", f.INDUSTRIES, required=True),
            FieldSpec("employment_form", _l("求める人材"), "choice", f.SUCCESSION_FORMS, required=True),
            FieldSpec("sales_band", _l("売上規模"), "choice", f.SALES_BANDS, required=True),
            FieldSpec("employees_band", _l("従業員数"), "choice", f.EMPLOYEE_BANDS, required=True),
            FieldSpec("handover", _l("引き継ぐもの"), "multi", f.HANDOVER),
            FieldSpec("timing", _l("引き継ぎの時期"), "text", maximum=200),
            FieldSpec("disclosure", _l("事業者名の公開"), "choice",
                      (("anonymous", _l("匿名（開示の承認後に公開）")), ("open", _l("公開する"))), required=True),
            FieldSpec("firm_name", _l("事業者名（非公開）"), "text", required=True, maximum=200, confidential=True,
                      display_label=_l("事業者名")),
            FieldSpec("address", _l("所在地（非公開）"), "text", maximum=300, confidential=True,
                      display_label=_l("所在地")),
            FieldSpec("financials", _l("財務の概要（非公開）"), "textarea", maximum=4000, confidential=True,
                      display_label=_l("財務の概要")),
        )),
    ),
    candidate_fields=(
        FieldSpec("industries", _l("関心のある業種"), "multi", f.INDUSTRIES),
        FieldSpec("funds_band", _l("引き継ぎに使える資金"), "choice", f.FUNDS_BANDS),
        FieldSpec("seminar_attended", _l("創業塾・後継者育成講座を受講済み"), "bool"),
        FieldSpec("employment_forms", _l("希望する関わり方"), "multi", f.SUCCESSION_FORMS),
    ),
    has_trial=True,
    outcomes=("succeeded", "not_agreed", "withdrawn"),
    funding=("succession_hub_special_allocation_tax",),
)

STARTUP = Scheme(
    code=SchemeCode.STARTUP,
    name_ja="官民連携（スタートアップ）",
    name_en="Startups and municipalities",
    summary=_l("地域課題を持つ自治体と、解決策を持つスタートアップをつなぎます。導入、普及への協力、共同開発・実証の3つの出口があります。"),
    audience=_l("自治体の課題に解決策を提案したいスタートアップ"),
    posting_types=(
        PostingType("challenge", _l("地域課題（自治体）"), frozenset({OrgKind.MUNICIPALITY, OrgKind.PREFECTURE}), (
            FieldSpec("categories", _l("分野"), "multi", f.STARTUP_CATEGORIES, required=True),
            FieldSpec("department", _l("担当部署"), "text", maximum=200),
            FieldSpec("employment_form", _l("望む出口"), "choice", f.STARTUP_EXITS, required=True),
            FieldSpec("budget_status", _l("予算の状況"), "choice", f.BUDGET_STATUS),
            FieldSpec("timeline", _l("スケジュール"), "text", maximum=200),
            FieldSpec("field_offered", _l("実証に提供できるフィールド"), "textarea", maximum=2000),
        )),
        PostingType("solution", _l("解決策（スタートアップ）"), frozenset({OrgKind.STARTUP}), (
            FieldSpec("categories", _l("分野"), "multi", f.STARTUP_CATEGORIES, required=True),
            FieldSpec("exits", _l("対応できる出口"), "multi", f.STARTUP_EXITS, required=True),
            FieldSpec("adoption_record", _l("自治体での導入実績"), "textarea", maximum=2000),
            FieldSpec("price_range", _l("提供価格の目安"), "text", maximum=200),
            FieldSpec("regions_served", _l("対応できる地域"), "text", maximum=200),
        ), side="offer"),
    ),
    has_trial=True,
    outcomes=("adopted", "not_agreed", "withdrawn"),
    candidates_opt_in=False,
)

ADVISER = Scheme(
    code=SchemeCode.ADVISER,
    name_ja="アドバイザー派遣",
    name_en="Advisers for municipalities",
    summary=_l("DXアドバイザー、地域情報化アドバイザー、GXアドバイザーなどを市町村に派遣します。"),
    audience=_l("自治体に助言できる専門家"),
    posting_types=(
        PostingType("request", _l("アドバイザー派遣の依頼（自治体）"), frozenset({OrgKind.MUNICIPALITY, OrgKind.PREFECTURE}), (
            FieldSpec("employment_form", _l("制度"), "choice", f.ADVISER_PROGRAMMES, required=True),
            FieldSpec("topic", _l("相談したいテーマ"), "text", required=True, maximum=200),
            FieldSpec("sessions", _l("希望回数"), "int", minimum=1, maximum=20),
            FieldSpec("delivery", _l("実施方法"), "choice", f.DELIVERY, required=True),
        ), remote_from="delivery"),
    ),
    candidate_fields=(
        FieldSpec("employment_forms", _l("登録しているアドバイザー制度"), "multi", f.ADVISER_PROGRAMMES, required=True),
        FieldSpec("fields", _l("得意分野"), "text", maximum=300),
        FieldSpec("sessions_per_year", _l("年間に対応できる回数"), "int", minimum=1, maximum=100),
    ),
    outcomes=("contracted", "not_agreed", "withdrawn"),
    funding=("dx_adviser_dispatch", "regional_informatization_adviser"),
)

SCHEMES: dict[str, Scheme] = {s.code.value: s for s in (ACCELERATOR, SIDE_JOB, SUCCESSION, STARTUP, ADVISER)}


def get_scheme(code: str) -> Scheme | None:
    """The scheme with ``code``, or ``None``."""
    return SCHEMES.get(code)


def posting_types_for(kind: OrgKind) -> list[tuple[Scheme, PostingType]]:
    """Every (scheme, posting type) an organisation of ``kind`` may post."""
    return [(s, t) for s in SCHEMES.values() for t in s.posting_types if kind in t.poster_kinds]


def seeks_candidates(kind: OrgKind) -> bool:
    """Whether an organisation of ``kind`` posts a need that candidates are matched with
    (a startup only offers solutions to municipalities' challenges: it looks for no people)."""
    return any(s.candidates_opt_in and t.side == "need" for s, t in posting_types_for(kind))
