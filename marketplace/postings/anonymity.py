"""The anonymity guard applied to a stored anonymous succession case (texts from the database)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from marketplace.anonymity.guard import Flag, find_links
from marketplace.extensions import db
from marketplace.models import Municipality, Posting, PostingStatus
from marketplace.schemes.registry import get_scheme

#: How many other organisations' published postings tell what wording is common.
BACKGROUND_SIZE = 400
#: Words of the succession scheme itself, never distinctive.
STOP_WORDS = ("事業承継", "後継者", "後継経営者", "右腕人材", "幹部候補", "匿名", "引き継ぎ", "募集")


@dataclass(frozen=True)
class ShownFlag:
    """A flag with the label of the field it is in, for the page."""

    flag: Flag
    field_label: Any


def _texts(posting: Posting) -> dict[str, str]:
    fields = {"title": posting.title, "description": posting.description}
    for key, value in (posting.details or {}).items():
        if isinstance(value, str) and key != "disclosure":
            fields[key] = value
    return fields


def flags_for(posting: Posting) -> list[ShownFlag]:
    """What in an anonymous case links it to its firm; empty for any other posting."""
    if not posting.anonymous:
        return []
    org_postings = db.session.scalars(sa.select(Posting).where(
        Posting.organisation_id == posting.organisation_id, Posting.id != posting.id)).all()
    own_texts = [" ".join(_texts(p).values()) for p in org_postings]
    background = [f"{title} {description}" for title, description in db.session.execute(
        sa.select(Posting.title, Posting.description).where(
            Posting.organisation_id != posting.organisation_id, Posting.status == PostingStatus.PUBLISHED)
        .order_by(Posting.id.desc()).limit(BACKGROUND_SIZE))]
    places = db.session.scalars(sa.select(Municipality.name_ja).where(
        Municipality.prefecture_code == posting.prefecture_code)).all()
    firm_names = [posting.organisation.name, (posting.confidential or {}).get("firm_name") or ""]
    flags = find_links(_texts(posting), firm_names=firm_names, own_texts=own_texts, background=background,
                       place_names=places, region=posting.prefecture.name_ja, stop_words=STOP_WORDS)
    return [ShownFlag(flag, _label(posting, flag.field)) for flag in flags]


def _label(posting: Posting, field: str) -> Any:
    from flask_babel import lazy_gettext as _l

    if field == "title":
        return _l("タイトル")
    if field == "description":
        return _l("内容")
    scheme = get_scheme(posting.scheme)
    posting_type = scheme.posting_type(posting.posting_type) if scheme else None
    for spec in posting_type.fields if posting_type else ():
        if spec.name == field:
            return spec.display_label or spec.label
    return field
