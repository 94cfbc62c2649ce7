"""The funding panel of a match: what the database knows about it, assessed by the pure rules.

``inputs_for_match`` fills only what the posting and its organisation state; everything else
stays ``None`` and is shown as a condition to confirm or a cost still missing.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from marketplace.funding.panel import FundingAssessment, FundingInputs, assess
from marketplace.core.i18n import JST
from marketplace.core.i18n import fiscal_year as fiscal_year_of
from marketplace.models import Match, OrgKind, Posting


def _int_or_none(value: Any) -> int | None:
    """Whole non-negative numbers only; anything else (missing, text, bool) is unknown."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _bool_or_none(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _via_pro_hub(posting: Posting) -> bool | None:
    """True when a pro hub posted the need or a pro-hub coordinator posted it after a hearing.

    Otherwise unknown: the case may still be arranged through a hub.
    """
    if posting.organisation is not None and posting.organisation.kind == OrgKind.PRO_HUB:
        return True
    proxy = posting.proxy_by
    if proxy is not None and proxy.organisation is not None and proxy.organisation.kind == OrgKind.PRO_HUB:
        return True
    return None


def inputs_for_match(match: Match) -> FundingInputs:
    """What the match's posting and organisation say, as funding inputs (unknowns stay ``None``)."""
    posting = match.posting
    details = posting.details or {}
    organisation = posting.organisation
    months = posting.months if posting.months is not None else details.get("months")
    budget = posting.monthly_budget_max if posting.monthly_budget_max is not None else details.get("monthly_budget_max")
    municipal_hub = None
    if posting.scheme == "succession" and organisation is not None and organisation.kind == OrgKind.MUNICIPALITY:
        municipal_hub = True
    return FundingInputs(
        scheme=posting.scheme,
        posting_type=posting.posting_type,
        employment_form=posting.employment_form or details.get("employment_form"),
        contract_months=_int_or_none(months),
        monthly_fee_yen=_int_or_none(budget),
        monthly_fee_is_budget_max=_int_or_none(budget) is not None,
        first_time_user=_bool_or_none(details.get("first_time_user")),
        via_pro_hub=_via_pro_hub(posting) if posting.scheme == "side_job" else None,
        municipal_hub=municipal_hub,
    )


def current_fiscal_year(now: datetime | None = None) -> int:
    """The Japanese fiscal year (Gregorian, e.g. 2026 = 令和8年度) of ``now`` in Japan time."""
    moment = now or datetime.now(JST)
    return fiscal_year_of(moment.astimezone(JST).date() if moment.tzinfo else moment.date())


def funding_panel_for(match: Match, fiscal_year: int | None = None,
                      known: Mapping[str, Any] | None = None) -> list[FundingAssessment]:
    """The funding panel of ``match`` for ``fiscal_year`` (default: the current one).

    ``known`` adds facts the coordinator has (e.g. ``{"referral_fee_yen": 100_000,
    "via_pro_hub": True}``), overriding what was read from the posting. Raises ``ValueError``
    for an unknown key, a negative or non-integer amount, or a fiscal year that is not Gregorian.
    """
    inputs = inputs_for_match(match)
    if known:
        fields = {f.name for f in dataclasses.fields(FundingInputs)} - {"scheme"}
        unknown = set(known) - fields
        if unknown:
            raise ValueError(f"unknown funding inputs: {sorted(unknown)}")
        inputs = dataclasses.replace(inputs, **dict(known))
    return assess(inputs, fiscal_year if fiscal_year is not None else current_fiscal_year())
