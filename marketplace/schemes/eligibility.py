"""The accelerator's eligibility rule, told to people where they act.

The engine (``marketplace.matching.rules.check_eligibility``) is the one source of truth: this
module builds the same record the matcher builds from a profile and an opt-in, asks that check, and
turns its verdict into what the join form, the dashboard and the coordinator's candidate page say.
Pure Python: the rules module imports neither NumPy nor scikit-learn.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from marketplace.matching.qualifications import exam_codes
from marketplace.matching.records import SeekerRecord
from marketplace.matching.rules import SCHEME_RULES, check_eligibility

ACCELERATOR = "accelerator"


def _params() -> Mapping[str, Any]:
    return next(spec.params for spec in SCHEME_RULES[ACCELERATOR] if spec.check == "eligibility")


#: Years of practical digital experience the rule asks for (from the engine's rule table).
MIN_YEARS: int = int(_params()["min_years"])


@dataclass(frozen=True)
class Eligibility:
    """``status``: ``ok`` (suggested), ``flagged`` (suggested, a coordinator judges) or ``ruled_out``."""

    status: str
    code: str | None
    years: int | None
    exams: tuple[str, ...]  # the IPA level-4 exam codes recognised
    claims_equivalent: bool

    @property
    def eligible(self) -> bool:
        return self.status == "ok"


def accelerator_eligibility(qualifications: Iterable[str] | None, details: Mapping[str, Any] | None
                            ) -> Eligibility:
    """The verdict for a profile's qualifications plus its accelerator opt-in ``details``."""
    d = details or {}
    quals = tuple(dict.fromkeys(list(qualifications or ()) + list(d.get("exams") or ())))
    years = d.get("years_experience")
    record = SeekerRecord(id="eligibility", scheme=ACCELERATOR, years_experience=years, qualifications=quals,
                          claims_equivalent=bool(d.get("claims_equivalent")))
    verdict = check_eligibility(record, None, _params())  # type: ignore[arg-type]  # the check reads no posting
    exams = tuple(sorted(exam_codes(quals) & set(_params()["exams"])))
    return Eligibility(verdict.status, verdict.code, None if years is None else int(years), exams,
                       record.claims_equivalent)


def for_profile(profile: Any) -> Eligibility | None:
    """The verdict for a candidate profile's accelerator opt-in, or None when it has not joined."""
    opt_in = profile.opt_in(ACCELERATOR)
    if opt_in is None:
        return None
    return accelerator_eligibility(profile.qualifications, opt_in.details)


# --- what people are told -------------------------------------------------------------
def rule_text() -> str:
    """The rule in one sentence, for the join form."""
    from flask_babel import gettext as _
    return _("参加の要件：民間企業や自治体でのデジタル分野の実務経験が%(years)d年以上、またはIPA高度試験"
             "（レベル4：ITストラテジスト、システムアーキテクト、プロジェクトマネージャなど9試験）のいずれかに合格していること。",
             years=MIN_YEARS)


def situation_text(e: Eligibility) -> str:
    """Where the person stands today, e.g. 「実務経験3年、IPA高度試験の合格なし」."""
    from flask_babel import gettext as _
    from marketplace.schemes import fields as f
    from marketplace.schemes.fields import label_of
    years = _("実務経験%(n)d年", n=e.years) if e.years is not None else _("実務経験は未入力")
    if e.exams:
        exams = _("IPA高度試験：%(names)s", names="、".join(str(label_of(f.IPA_EXAMS, c)) for c in e.exams))
    else:
        exams = _("IPA高度試験の合格なし")
    return _("%(years)s、%(exams)s", years=years, exams=exams)
