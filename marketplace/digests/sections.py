"""What a digest is made of: section functions per role, and the point where new ones register.

A section function takes a :class:`DigestContext` and returns zero or more
:class:`SectionResult` (usually one per scheme). It runs inside ``force_locale(user.locale)``,
so ``gettext`` gives the recipient's language. It must

* respect ``ctx.wants(scheme)``: only items of the topics this digest carries;
* list only what the recipient may see on the site, and never private matching signals
  (minimum fees, hours, explanations of a score…): titles, places, counts and links;
* have no side effects; anything to record once the digest is written (e.g. "this result was
  mailed") goes into ``SectionResult.on_written``, which previews never call.

Adding a section (e.g. "introductions waiting", "messages waiting", "overdue next steps")
-----------------------------------------------------------------------------------------
Write the function in any module, decorate it, and list that module in
:data:`SECTION_MODULES` so it is imported before the first digest is built::

    from marketplace.models import Role
    from marketplace.digests.sections import DigestContext, DigestItem, SectionResult, register_section

    @register_section(Role.CANDIDATE, Role.MEMBER)
    def introductions_waiting(ctx: DigestContext) -> list[SectionResult]:
        ...
        return [SectionResult(key="pipeline.introductions", title=_("返事を待っている紹介"), group=scheme,
                              items=[DigestItem(title=..., url=ctx.url("matches.detail", match_id=m.id))],
                              more_url=ctx.url("matches.index"))]

Sections appear in registration order within each scheme group.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marketplace.models import HeldNotification, OutboxMessage, Role, User
from marketplace.schemes.codes import SchemeCode
from marketplace.core.links import external_url, first_url
from marketplace.digests.notifications import GENERAL

#: Group of personal notices held for the digest (listed first).
PERSONAL = "personal"

#: Modules whose import registers sections. THE registration point: add yours here.
SECTION_MODULES: list[str] = [
    "marketplace.digests.personal_sections",
    "marketplace.digests.candidate_sections",
    "marketplace.digests.member_sections",
    "marketplace.digests.coordinator_sections",
    "marketplace.digests.saved_search_sections",
    "marketplace.digests.match_sections",
]


@dataclass(frozen=True)
class DigestItem:
    """One line of a section: a title, a link, and an optional short note (place, date, count)."""

    title: str
    url: str
    note: str = ""


@dataclass
class SectionResult:
    """One block of a digest.

    ``items`` are in display order (newest first unless the section says otherwise) and may be
    longer than the cap: the renderer shows ``DIGEST_SECTION_LIMIT`` of them, then "N more" with
    ``more_url``. ``total`` overrides the count when ``items`` holds only a sample (e.g. the oldest
    five of a queue of forty). ``has_news`` false means "context only": a digest made only of
    such sections is not sent.
    """

    key: str
    title: str
    group: str  # a scheme code, PERSONAL or GENERAL
    items: list[DigestItem]
    more_url: str = ""
    summary: str = ""
    total: int | None = None
    has_news: bool = True
    on_written: Callable[[OutboxMessage], None] | None = None

    @property
    def count(self) -> int:
        return self.total if self.total is not None else len(self.items)


@dataclass
class DigestContext:
    """What a section needs to know about the digest being built."""

    user: User
    frequency: str  # "daily", "weekly" or "immediate"
    since: datetime  # items newer than this are new (exclusive)
    now: datetime  # ... up to this (inclusive)
    topics: frozenset[str]  # scheme codes (and "general") this digest carries
    held: list[HeldNotification] = field(default_factory=list)

    @property
    def language(self) -> str:
        return "en" if self.user.locale == "en" else "ja"

    def wants(self, scheme: str | None) -> bool:
        return (scheme or GENERAL) in self.topics

    @property
    def schemes(self) -> list[str]:
        """The scheme codes this digest carries, in the site's order."""
        return [code.value for code in SchemeCode if code.value in self.topics]

    def url(self, endpoint: str, **values: Any) -> str:
        return external_url(endpoint, **values)

    def first_url(self, *candidates: tuple[str, dict[str, Any]]) -> str:
        """The first existing page among several (for pages another module may or may not add)."""
        return first_url(*candidates)


SectionFunction = Callable[[DigestContext], Iterable[SectionResult]]
_REGISTRY: dict[Role, list[SectionFunction]] = {}
_loaded = False


def register_section(*roles: Role) -> Callable[[SectionFunction], SectionFunction]:
    """Decorator: build this section into the digests of users with one of ``roles``."""

    def decorator(function: SectionFunction) -> SectionFunction:
        for role in roles:
            functions = _REGISTRY.setdefault(Role(role), [])
            if function not in functions:
                functions.append(function)
        return function

    return decorator


def sections_for(role: Role) -> list[SectionFunction]:
    """The section functions of ``role``, in registration order."""
    global _loaded
    if not _loaded:
        for module in SECTION_MODULES:
            importlib.import_module(module)
        _loaded = True
    return list(_REGISTRY.get(Role(role), []))
