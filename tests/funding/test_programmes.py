"""The programmes file: its figures, its validation, and the engine codes derived from it."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from fractions import Fraction

import pytest

from marketplace.funding.labels import format_yen
from marketplace.funding.programmes import (
    DATA_FILE, load_catalogue, parse_catalogue, parse_reiwa_fiscal_year, reiwa_code,
)
from marketplace.matching.funding import FUNDING_RULES, funding_for
from marketplace.schemes.registry import SCHEMES
from tests.matching.matching_factories import posting


def test_reiwa_fiscal_years() -> None:
    assert parse_reiwa_fiscal_year("R8") == 2026 and parse_reiwa_fiscal_year("R11") == 2029
    assert reiwa_code(2026) == "R8"
    for bad in ("8", "H30", "R", "R0", 8):
        with pytest.raises(ValueError):
            parse_reiwa_fiscal_year(bad)  # type: ignore[arg-type]


def test_figures_match_the_briefing() -> None:
    """The figures of DOMAIN.md / briefing-2026-01-27.txt, kept as data with their years."""
    cat = load_catalogue()
    ordinary = cat.get("ordinary_allocation_tax")
    assert ordinary is not None and [(f.valid_from, f.valid_until, f.amount_yen) for f in ordinary.figures] \
        == [(2026, 2026, 8_400_000)]
    special = cat.get("special_allocation_tax")
    assert special is not None and special.cap_basis == "eligible_cost" and special.forms == {"part_time", "contract"}
    assert [(f.valid_from, f.valid_until, f.rate, f.cap_yen) for f in special.figures] \
        == [(2026, 2029, Fraction(7, 10), 21_000_000)]
    recruitment = cat.get("accelerator_recruitment_special_allocation_tax")
    assert recruitment is not None and [(f.valid_from, f.valid_until, f.cap_yen) for f in recruitment.figures] \
        == [(2025, 2027, 3_000_000), (2028, 2029, 1_000_000)]
    side = cat.get("side_job_subsidy")
    assert side is not None and side.cap_basis == "share" and side.per == "case"
    assert dict(side.conditions) == {"max_months": 5, "first_time_user": True, "via_pro_hub": True}
    assert [(f.valid_from, f.valid_until, f.rate, f.cap_yen) for f in side.figures] \
        == [(2025, None, Fraction(4, 5), 500_000)]
    succession = cat.get("succession_hub_special_allocation_tax")
    assert succession is not None and succession.per == "municipality"
    assert [(f.rate, f.cap_yen) for f in succession.figures] == [(Fraction(1, 2), 15_000_000)]
    cio = cat.get("cio_adviser_special_allocation_tax")
    assert cio is not None and cio.conditions == {"max_persons": 3} and cio.posting_types == {"cio_adviser"}
    assert [(f.valid_from, f.valid_until, f.rate, f.cap_yen) for f in cio.figures] \
        == [(2024, 2029, Fraction(7, 10), None)]
    cio_recruitment = cat.get("cio_adviser_recruitment_special_allocation_tax")
    assert cio_recruitment is not None and cio_recruitment.figures[0].cap_yen == 1_000_000
    assert all(p.sources for p in cat.programmes)


def test_every_scheme_funding_code_is_a_programme() -> None:
    codes = {p.code for p in load_catalogue().programmes}
    for scheme in SCHEMES.values():
        assert set(scheme.funding) <= codes, scheme.code
    for programme in load_catalogue().programmes:
        assert programme.scheme in SCHEMES
        posting_types = {t.code for t in SCHEMES[programme.scheme].posting_types}
        assert programme.posting_types is None or programme.posting_types <= posting_types


def test_engine_rules_are_derived_from_the_same_file() -> None:
    shown = [p for p in load_catalogue().programmes if p.in_suggestions]
    assert [r.code for r in FUNDING_RULES] == [p.code for p in shown]
    rule = next(r for r in FUNDING_RULES if r.code == "side_job_subsidy")
    assert rule.max_months == 5 and rule.params["rate"] == 0.8 and rule.params["cap_yen"] == 500_000


def test_engine_tells_cio_adviser_posts_from_accelerator_positions() -> None:
    assert [n.code for n in funding_for(posting(posting_type="cio_adviser"))] == ["cio_adviser_special_allocation_tax"]
    assert [n.code for n in funding_for(posting(posting_type="position"))] == ["special_allocation_tax"]
    assert [n.code for n in funding_for(posting())] == ["special_allocation_tax"]  # no type: the main one


def _data() -> dict:
    with DATA_FILE.open("rb") as handle:
        return tomllib.load(handle)


@pytest.mark.parametrize(("change", "message"), [
    ({"rate": 1.5}, "rate"),
    ({"from": "R9", "until": "R8"}, "ends before"),
    ({"cap_yen": -1}, "cap_yen"),
    ({"colour": "red"}, "unknown figure keys"),
])
def test_malformed_figures_are_rejected(change: dict, message: str) -> None:
    data = _data()
    data["programme"][1]["figures"][0].update(change)
    with pytest.raises(ValueError, match=message):
        parse_catalogue(data)


@pytest.mark.parametrize(("change", "message"), [
    ({"conditions": {"max_months": "5"}}, "condition"),
    ({"method": "guess"}, "method"),
    ({"cap_basis": None}, "cap_basis"),
    ({"costs": ["lunch"]}, "cost items"),
    ({"code": "ordinary_allocation_tax"}, "unique"),
])
def test_malformed_programmes_are_rejected(change: dict, message: str) -> None:
    data = _data()
    programme = data["programme"][1]
    for key, value in change.items():
        if value is None:
            programme.pop(key)
        else:
            programme[key] = value
    with pytest.raises(ValueError, match=message):
        parse_catalogue(data)


def test_funding_rules_stay_free_of_flask() -> None:
    code = ("import sys, marketplace.matching, marketplace.funding.panel; "
            "sys.exit(1 if {'flask', 'flask_babel', 'sqlalchemy'} & set(sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.parametrize(("value", "language", "text"), [
    (21_000_000, "ja", "¥21,000,000（2,100万円）"),
    (500_000, "ja", "¥500,000（50万円）"),
    (9_333_333, "ja", "¥9,333,333（約933万円）"),
    (5_000, "ja", "¥5,000"),
    (21_000_000, "en", "¥21,000,000"),
    (None, "ja", ""),
])
def test_format_yen(value: int | None, language: str, text: str) -> None:
    assert format_yen(value, language) == text
