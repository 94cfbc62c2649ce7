"""Which national funding would apply to a match, with an estimate of the national share.

Pure: plain values in (:class:`FundingInputs`), plain values out (:class:`FundingAssessment`).
Unknown inputs are ``None`` and never guessed: a condition that cannot be checked is listed
as *unknown*, a cost item that is missing is listed and left out of the estimate.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import floor
from typing import Literal

from marketplace.funding.programmes import Catalogue, Figures, Programme, load_catalogue

Status = Literal["applies", "not_met", "unknown"]

#: Condition codes an assessment may list (labels: ``marketplace.funding.labels``).
CONDITION_CODES = ("posting_type", "employment_form", "employment_form_to_confirm", "max_months",
                   "first_time_user", "via_pro_hub", "max_persons", "municipal_hub", "municipal_plan")


@dataclass(frozen=True, slots=True)
class FundingInputs:
    """What is known about a match; ``None`` means unknown.

    Amounts are yen. ``annual_personnel_cost_yen`` is the fiscal year's personnel or contract
    cost of the person (accelerator, CIO adviser); ``hub_programme_cost_yen`` the municipality's
    eligible costs of its succession-matching programme for the year.
    """

    scheme: str
    posting_type: str | None = None
    employment_form: str | None = None
    contract_months: int | None = None
    monthly_fee_yen: int | None = None
    monthly_fee_is_budget_max: bool = False
    annual_personnel_cost_yen: int | None = None
    recruitment_cost_yen: int | None = None
    referral_fee_yen: int | None = None
    travel_yen: int | None = None
    hub_programme_cost_yen: int | None = None
    first_time_user: bool | None = None
    via_pro_hub: bool | None = None
    cio_advisers_already_funded: int | None = None
    municipal_hub: bool | None = None
    municipal_plan: bool | None = None


@dataclass(frozen=True, slots=True)
class FundingAssessment:
    """One programme checked against a match for one fiscal year (Gregorian, e.g. 2026 = R8)."""

    code: str
    instrument: str
    method: str
    status: Status
    estimate_yen: int | None  # the national share; None when not met or no cost is known
    eligible_cost_yen: int | None  # the cost the rate is applied to, before any cap
    rate: Fraction | None
    amount_yen: int | None  # a fixed amount per unit (普通交付税)
    cap_yen: int | None
    cap_basis: str | None  # "eligible_cost" or "share"
    cap_reached: bool
    max_share_yen: int | None  # the most the programme gives per unit (None: no cap)
    per: str
    unmet: tuple[str, ...]
    unknown: tuple[str, ...]
    missing_costs: tuple[str, ...]
    notes: tuple[str, ...]
    fiscal_year: int
    valid_from: int | None
    valid_until: int | None
    outside_fiscal_years: bool
    conditions: dict[str, object]
    sources: tuple[tuple[int, int], ...]
    document: object = None  # marketplace.funding.programmes.SourceDocument

    @property
    def applies(self) -> bool | None:
        """True when every condition is met, False when one is not, None when some are unknown."""
        return {"applies": True, "not_met": False}.get(self.status)

    @property
    def source_ranges(self) -> tuple[str, ...]:
        """Briefing line ranges as text: ``("180–189", "222")``."""
        return tuple(str(a) if a == b else f"{a}–{b}" for a, b in self.sources)

    @property
    def rate_percent(self) -> str | None:
        """``"70"`` for 0.7 (whole percentages as integers)."""
        if self.rate is None:
            return None
        percent = self.rate * 100
        return str(percent.numerator) if percent.denominator == 1 else f"{float(percent):g}"


# --- conditions -------------------------------------------------------------------------
def _conditions(p: Programme, inputs: FundingInputs) -> tuple[list[str], list[str]]:
    """(unmet, unknown) condition codes, in a stable order."""
    results: list[tuple[str, bool | None]] = []
    if p.posting_types is not None:
        results.append(("posting_type", None if inputs.posting_type is None
                        else inputs.posting_type in p.posting_types))
    if p.forms is not None:
        form = inputs.employment_form
        if form is not None and form in p.forms_to_confirm:
            results.append(("employment_form_to_confirm", None))
        else:
            results.append(("employment_form", None if form is None else form in p.forms))
    c = p.conditions
    if "max_months" in c:
        months = inputs.contract_months
        results.append(("max_months", None if months is None else months <= c["max_months"]))
    if c.get("first_time_user"):
        results.append(("first_time_user", inputs.first_time_user))
    if c.get("via_pro_hub"):
        results.append(("via_pro_hub", inputs.via_pro_hub))
    if "max_persons" in c:
        funded = inputs.cio_advisers_already_funded
        results.append(("max_persons", None if funded is None else funded < c["max_persons"]))
    if c.get("municipal_hub"):
        results.append(("municipal_hub", inputs.municipal_hub))
    if c.get("municipal_plan"):
        results.append(("municipal_plan", inputs.municipal_plan))
    unmet = [code for code, ok in results if ok is False]
    unknown = [code for code, ok in results if ok is None]
    return unmet, unknown


# --- costs ------------------------------------------------------------------------------
def _cost_items(inputs: FundingInputs) -> dict[str, int | None]:
    remuneration = None
    if inputs.monthly_fee_yen is not None and inputs.contract_months is not None:
        remuneration = inputs.monthly_fee_yen * inputs.contract_months
    return {
        "personnel": inputs.annual_personnel_cost_yen, "recruitment": inputs.recruitment_cost_yen,
        "referral_fee": inputs.referral_fee_yen, "remuneration": remuneration, "travel": inputs.travel_yen,
        "hub_programme": inputs.hub_programme_cost_yen,
    }


def _eligible_cost(p: Programme, inputs: FundingInputs) -> tuple[int | None, list[str]]:
    """The sum of the known cost items (None when none is known) and the missing ones."""
    items = _cost_items(inputs)
    known = [items[name] for name in p.costs if items[name] is not None]
    missing = [name for name in p.costs if items[name] is None]
    return (sum(known) if known else None), missing  # type: ignore[arg-type]


def national_share(rate: Fraction, cost: int, cap_yen: int | None, cap_basis: str | None) -> tuple[int, bool]:
    """``rate × cost`` (yen, rounded down) with the cap applied; also whether the cap bit.

    ``eligible_cost``: the cost is capped before the rate; ``share``: the result is capped.
    """
    if cap_yen is not None and cap_basis == "eligible_cost":
        return floor(rate * min(cost, cap_yen)), cost > cap_yen
    if cap_yen is not None and cap_basis == "share":
        return min(floor(rate * cost), cap_yen), rate * cost > cap_yen
    return floor(rate * cost), False


def _max_share(p: Programme, f: Figures) -> int | None:
    if p.method == "fixed":
        return f.amount_yen
    if p.method != "rate" or f.cap_yen is None or f.rate is None:
        return None
    return floor(f.rate * f.cap_yen) if p.cap_basis == "eligible_cost" else f.cap_yen


def _notes(p: Programme, inputs: FundingInputs) -> tuple[str, ...]:
    notes = list(p.notes)
    if "remuneration" in p.costs and inputs.monthly_fee_is_budget_max and inputs.monthly_fee_yen is not None:
        notes.append("fee_from_budget_max")
    return tuple(notes)


# --- the assessment ---------------------------------------------------------------------
def assess_programme(p: Programme, inputs: FundingInputs, fiscal_year: int) -> FundingAssessment:
    """Check one programme against ``inputs`` for ``fiscal_year`` and estimate the national share."""
    figures, outside = p.figures_for(fiscal_year)
    unmet, unknown = _conditions(p, inputs)
    status: Status = "not_met" if unmet else ("unknown" if unknown else "applies")
    estimate: int | None = None
    cost: int | None = None
    missing: list[str] = []
    cap_reached = False
    if p.method == "rate":
        cost, missing = _eligible_cost(p, inputs)
        if status != "not_met" and cost is not None and figures.rate is not None:
            estimate, cap_reached = national_share(figures.rate, cost, figures.cap_yen, p.cap_basis)
    elif p.method == "fixed" and status != "not_met":
        estimate = figures.amount_yen
    return FundingAssessment(
        code=p.code, instrument=p.instrument, method=p.method, status=status, estimate_yen=estimate,
        eligible_cost_yen=cost, rate=figures.rate, amount_yen=figures.amount_yen, cap_yen=figures.cap_yen,
        cap_basis=p.cap_basis if figures.cap_yen is not None else None, cap_reached=cap_reached,
        max_share_yen=_max_share(p, figures), per=p.per, unmet=tuple(unmet), unknown=tuple(unknown),
        missing_costs=tuple(missing), notes=_notes(p, inputs), fiscal_year=fiscal_year,
        valid_from=figures.valid_from, valid_until=figures.valid_until, outside_fiscal_years=outside,
        conditions=dict(p.conditions), sources=p.sources, document=p.document,
    )


def _validate(inputs: FundingInputs, fiscal_year: int) -> None:
    if isinstance(fiscal_year, bool) or not isinstance(fiscal_year, int) or not 1989 <= fiscal_year <= 2200:
        raise ValueError("fiscal_year is a Gregorian year such as 2026 (令和8年度)")
    for name in ("contract_months", "monthly_fee_yen", "annual_personnel_cost_yen", "recruitment_cost_yen",
                 "referral_fee_yen", "travel_yen", "hub_programme_cost_yen", "cio_advisers_already_funded"):
        value = getattr(inputs, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError(f"{name} must be a non-negative whole number or None")


def assess(inputs: FundingInputs, fiscal_year: int, catalogue: Catalogue | None = None) -> list[FundingAssessment]:
    """Every programme of the inputs' scheme, assessed for ``fiscal_year`` (Gregorian, 2026 = R8).

    Programmes of the scheme whose posting type does not match are left out (an accelerator
    position is not assessed against the CIO-adviser programmes) unless the type is unknown.
    """
    _validate(inputs, fiscal_year)
    catalogue = catalogue or load_catalogue()
    out: list[FundingAssessment] = []
    for programme in catalogue.for_scheme(inputs.scheme):
        if (inputs.posting_type is not None and programme.posting_types is not None
                and inputs.posting_type not in programme.posting_types):
            continue
        out.append(assess_programme(programme, inputs, fiscal_year))
    return out
