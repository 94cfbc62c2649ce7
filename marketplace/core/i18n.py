"""Language selection and Japanese-style formatting of dates, times and fiscal years."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context, session
from flask_babel import get_locale
from flask_login import current_user

JST = ZoneInfo("Asia/Tokyo")
#: First day of the Reiwa era; fiscal years start in April.
REIWA_START_YEAR = 2019


def select_locale() -> str:
    """The signed-in user's language, else the one chosen in this session, else Japanese."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """Everyone sees Japan time."""
    return "Asia/Tokyo"


def current_language() -> str:
    """``ja`` or ``en`` for the current request."""
    locale = get_locale()
    return locale.language if locale else "ja"


def to_jst(value: datetime) -> datetime:
    """Convert an aware (or naive-UTC) datetime to Japan time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(JST)


def fiscal_year(day: date) -> int:
    """The Japanese fiscal year (April–March) that ``day`` falls in, as a Gregorian year."""
    return day.year if day.month >= 4 else day.year - 1


def reiwa_fiscal_year_label(fy: int, language: str = "ja") -> str:
    """``令和8年度`` for FY2026 in Japanese, ``FY2026 (R8)`` in English."""
    era_year = fy - REIWA_START_YEAR + 1
    if language == "en":
        return f"FY{fy} (R{era_year})"
    return "令和元年度" if era_year == 1 else f"令和{era_year}年度"


def format_date(value: date | datetime | None, language: str | None = None) -> str:
    """``2026年11月27日`` in Japanese, ``2026-11-27`` in English; datetimes are shown in JST."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_jst(value).date()
    language = language or current_language()
    if language == "en":
        return value.isoformat()
    return f"{value.year}年{value.month}月{value.day}日"


def format_datetime(value: datetime | None, language: str | None = None) -> str:
    """A timestamp in JST, e.g. ``2026年11月27日 09:05``."""
    if value is None:
        return ""
    local = to_jst(value)
    return f"{format_date(local.date(), language)} {local:%H:%M}"


def datetime_attribute(value: date | datetime | None) -> str:
    """A machine-readable ``<time datetime>`` value: whole seconds in JST, e.g. ``2026-11-27T09:05:00+09:00``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return to_jst(value).replace(microsecond=0).isoformat()
    return value.isoformat()


def format_period(start: date | datetime | None, end: date | datetime | None, language: str | None = None) -> str:
    """A date range in the site's one date style, with an honest text when a bound is missing.

    ``2026年11月6日〜2027年1月5日`` / ``2026-11-06 to 2027-01-05``; ``期間未定`` / ``Dates not set`` when
    neither bound is known.
    """
    from flask_babel import gettext as _

    start, end = _as_day(start), _as_day(end)
    if start is None and end is None:
        return _("期間未定")
    if end is None:
        return _("%(start)sから（終了日未定）", start=format_date(start, language))
    if start is None:
        return _("%(end)sまで（開始日未定）", end=format_date(end, language))
    return _("%(start)s〜%(end)s", start=format_date(start, language), end=format_date(end, language))


def _as_day(value):
    """Dates stored as ISO text (scheme details) are dates too; empty text is no date."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()) if value.strip() else None
        except ValueError:
            return None
    return value


#: Scores of the matching engine are on a 0–100 scale (``marketplace/matching/README.md``).
SCORE_SCALE = 100


def format_score(value: float | int | None, *, label: bool = True) -> str:
    """A match score as a whole number on its stated scale: ``適合度 71 / 100`` (``71 / 100`` without label)."""
    from flask_babel import gettext as _

    if value is None:
        return _("適合度なし") if label else "—"
    number = max(0, min(SCORE_SCALE, int(round(float(value)))))
    if label:
        return _("適合度 %(score)d / %(scale)d", score=number, scale=SCORE_SCALE)
    return _("%(score)d / %(scale)d", score=number, scale=SCORE_SCALE)


def register_template_helpers(app: Flask) -> None:
    """Expose the formatters as Jinja filters and globals."""
    from marketplace.schemes import SCHEME_NAMES, scheme_name

    app.jinja_env.filters["date_ja"] = format_date
    app.jinja_env.filters["datetime_jst"] = format_datetime
    app.jinja_env.filters["datetime_attr"] = datetime_attribute
    app.jinja_env.filters["period"] = lambda start, end=None: format_period(start, end)
    app.jinja_env.filters["score"] = format_score
    app.jinja_env.filters["fiscal_year"] = lambda d: reiwa_fiscal_year_label(
        fiscal_year(to_jst(d).date() if isinstance(d, datetime) else d), current_language()
    )
    app.jinja_env.filters["scheme_name"] = lambda code: scheme_name(code, current_language())
    app.jinja_env.globals["current_language"] = current_language
    from marketplace.core.idempotency import idempotency_field

    app.jinja_env.globals["idempotency_field"] = idempotency_field
    app.jinja_env.globals["SCHEMES"] = list(SCHEME_NAMES)
    from marketplace.schemes.presenters import posting_values, rows_for

    app.jinja_env.globals["rows_for"] = rows_for
    app.jinja_env.globals["posting_values"] = posting_values
    from marketplace.schemes.presenters import prefecture_groups, search_conditions

    app.jinja_env.globals["prefecture_groups"] = lambda choices: prefecture_groups(list(choices), current_language())

    app.jinja_env.globals["search_conditions"] = lambda target, params: search_conditions(
        target, params or {}, current_language())
    from marketplace.profiles import visibility

    app.jinja_env.filters["visibility_field_label"] = lambda field: visibility.FIELD_LABELS[field]
    # coordinators' pages: the route has checked the coordinator covers the profile or the match
    app.jinja_env.globals["coordinator_view"] = lambda profile, introduced=False: visibility.view_for(
        profile, visibility.Audience.COORDINATOR, introduced=introduced)
    def seeker_label(match) -> str:
        """A match's candidate as the current viewer may name them: the name where the candidate lets
        this viewer see it, else 「人材 #id」 (the same label on every page and in the lists)."""
        from flask_login import current_user

        from marketplace.matches import operations as pipeline

        profile = match.candidate_profile
        if profile is None:
            return ""
        viewer = current_user if current_user.is_authenticated else None
        return visibility.candidate_view(profile, viewer, introduced=pipeline.contacts_revealed(match)).label

    app.jinja_env.globals["seeker_label"] = seeker_label
    from marketplace.core.forms import distinct_ids

    # `{% set _ = distinct_ids(note_form, "note") %}`: a page with several forms sharing field names
    app.jinja_env.globals["distinct_ids"] = distinct_ids
    from marketplace.suggestions.reasons import reason_label

    app.jinja_env.globals["reason_label"] = reason_label
    from marketplace.funding.labels import register_funding_helpers

    register_funding_helpers(app)
