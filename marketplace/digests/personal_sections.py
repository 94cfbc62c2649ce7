"""Personal notices the recipient asked to receive in digests (introductions, messages, ...)."""
from __future__ import annotations

from flask_babel import gettext as _

from marketplace.extensions import db
from marketplace.models import HeldNotification, OutboxMessage, Role
from marketplace.digests.sections import PERSONAL, DigestContext, DigestItem, SectionResult, register_section


@register_section(Role.CANDIDATE, Role.MEMBER, Role.COORDINATOR, Role.ADMIN)
def held_notices(ctx: DigestContext) -> list[SectionResult]:
    """Notices held for this digest, newest first; each is carried by one digest only."""
    if not ctx.held:
        return []
    held = sorted(ctx.held, key=lambda h: (h.created_at, h.id), reverse=True)
    ids = [h.id for h in held]

    def mark_carried(digest: OutboxMessage) -> None:
        for notice_id in ids:
            notice = db.session.get(HeldNotification, notice_id)
            if notice is not None and notice.digest_id is None:
                notice.digest_id = digest.id

    return [SectionResult(
        key="personal.held", title=_("あなた宛てのお知らせ"), group=PERSONAL,
        items=[DigestItem(title=h.subject, url=h.link) for h in held],
        more_url=ctx.first_url(("matches.index", {}), ("public.home", {})),
        on_written=mark_carried)]
