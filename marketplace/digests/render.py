"""A digest's subject, plain-text and HTML parts, in the recipient's language."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template
from flask_babel import gettext as _

from marketplace.core.i18n import format_date
from marketplace.schemes.codes import SchemeCode, scheme_name
from marketplace.digests.periods import DAILY, WEEKLY
from marketplace.digests.sections import PERSONAL, DigestItem, SectionResult
from marketplace.digests.notifications import GENERAL


@dataclass(frozen=True)
class RenderedSection:
    title: str
    summary: str
    items: list[DigestItem]  # capped
    more: int  # how many more there are beyond ``items``
    more_url: str


@dataclass(frozen=True)
class RenderedGroup:
    label: str
    sections: list[RenderedSection]


def _group_order() -> list[str]:
    return [PERSONAL] + [code.value for code in SchemeCode] + [GENERAL]


def _group_label(group: str, language: str) -> str:
    if group == PERSONAL:
        return _("あなた宛て")
    if group == GENERAL:
        return _("その他")
    return scheme_name(group, language)


def group_sections(results: list[SectionResult], language: str) -> list[RenderedGroup]:
    """Sections grouped by scheme (personal notices first, ``general`` last), each capped."""
    limit = max(1, int(current_app.config["DIGEST_SECTION_LIMIT"]))
    order = _group_order()
    groups: list[RenderedGroup] = []
    for group in sorted({r.group for r in results}, key=lambda g: order.index(g) if g in order else len(order)):
        sections = [RenderedSection(title=r.title, summary=r.summary, items=r.items[:limit],
                                    more=max(r.count - min(len(r.items), limit), 0), more_url=r.more_url)
                    for r in results if r.group == group]
        groups.append(RenderedGroup(label=_group_label(group, language), sections=sections))
    return groups


def subject_for(frequency: str, slot: datetime, language: str) -> str:
    if frequency == DAILY:
        return _("【地域人材マッチング】%(date)sのお知らせ", date=format_date(slot, language))
    if frequency == WEEKLY:
        return _("【地域人材マッチング】%(date)sからの週のお知らせ", date=format_date(slot, language))
    return _("【地域人材マッチング】新着のお知らせ")


def render_digest(*, user, frequency: str, slot: datetime, results: list[SectionResult], settings_url: str,
                  unsubscribe_url: str) -> tuple[str, str, str]:
    """Subject, text and HTML. Call inside ``force_locale(user.locale)``."""
    language = "en" if user.locale == "en" else "ja"
    groups = group_sections(results, language)
    context = dict(user=user, groups=groups, frequency=frequency, settings_url=settings_url,
                   unsubscribe_url=unsubscribe_url, language=language,
                   home_url=current_app.config["BASE_URL"].rstrip("/") + "/")
    subject = subject_for(frequency, slot, language)
    text = render_template("emails/digest.txt", subject=subject, **context)
    html = render_template("emails/digest.html", subject=subject, **context)
    return subject, text, html
