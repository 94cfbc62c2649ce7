"""Private iCalendar feeds (RFC 5545) of a person's dates: next steps, trial periods, follow-ups.

Who sees what (the same rules as the pages the events link to):

- a coordinator: the active matches of their area (next step due dates, trial periods) and the
  unanswered 3/6/12-month follow-ups of their area;
- a participant (a candidate, an organisation's member): the active matches they take part in,
  once past the internal review stages (next step due dates and trial periods, which their match
  page shows them too). Follow-ups are the coordinators' work and are not in their feed.

An event carries the posting's title (which its reader may see on the match page), the step as the
coordinator wrote it and a link to the match page, which asks for a sign-in: no names, addresses
or contact details, since calendar services keep copies of what they subscribe to.

The text is written here, not by a library: every date is all-day (``VALUE=DATE``, with the
exclusive ``DTEND`` of RFC 5545 §3.6.1), lines end in CRLF and are folded at 75 octets without
splitting a UTF-8 character, and TEXT values escape backslash, semicolon, comma and newlines.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from base64 import urlsafe_b64encode
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager

from marketplace.extensions import db
from marketplace.models import CalendarFeed, FollowUp, Match, MatchStatus, Posting, Role, User, utcnow
from marketplace.matches import machine
from marketplace.matches import operations as pipeline

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "cal_"  # nosec B105 # a token prefix, not a secret
#: Longest string accepted as a presented token (ours are 47 characters).
TOKEN_MAX_LENGTH = 100
#: Roles that have a feed: the people who have dated steps to follow.
FEED_ROLES = (Role.CANDIDATE, Role.MEMBER, Role.COORDINATOR)
#: ``last_fetched_at`` is written at most this often (calendar clients poll).
FETCH_RESOLUTION = timedelta(hours=1)
PRODID = "-//Regional Talent Matching//Calendar feed 1.0//JA"


# --- the secret URL -------------------------------------------------------------------------
def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _derive(user_id: int, nonce: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"calendar-feed:{user_id}:{nonce}".encode(), hashlib.sha256).digest()
    return TOKEN_PREFIX + urlsafe_b64encode(digest).decode().rstrip("=")


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def token_of(user: User) -> str | None:
    """The current token of ``user``'s feed, or ``None`` before one was made.

    When the site's secret key changed since the token was made, the stored hash is brought up
    to date, so the URL the settings page shows is the one that works (the old one stopped).
    """
    feed = feed_of(user)
    if feed is None:
        return None
    token = _derive(user.id, feed.nonce)
    if feed.token_hash != _hash(token):
        feed.token_hash = _hash(token)
        db.session.flush()
    return token


def regenerate(user: User) -> str:
    """Make (or replace) ``user``'s feed URL; the previous URL stops working. Returns the token."""
    feed = feed_of(user)
    nonce = secrets.token_urlsafe(24)
    token = _derive(user.id, nonce)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, nonce=nonce, token_hash=_hash(token))
        db.session.add(feed)
        event = "calendar_feed.created"
    else:
        feed.nonce, feed.token_hash, feed.created_at, feed.last_fetched_at = nonce, _hash(token), utcnow(), None
        event = "calendar_feed.regenerated"
    db.session.flush()
    logger.info("calendar feed of user %s: %s", user.id, event, extra={"event": event})
    return token


def user_for_token(token: str) -> User | None:
    """The active user whose current feed this token opens, else ``None``."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > TOKEN_MAX_LENGTH:
        return None
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    if user is None or not user.active or user.role not in FEED_ROLES:
        return None
    now = utcnow()
    if feed.last_fetched_at is None or now - feed.last_fetched_at >= FETCH_RESOLUTION:
        feed.last_fetched_at = now
        db.session.commit()
    return user


# --- the events -----------------------------------------------------------------------------
@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_on: date
    ends_on: date  # inclusive: the last day of the event
    summary: str
    description: str
    url: str


def _active(query: sa.Select) -> sa.Select:
    return query.where(Match.status.in_([MatchStatus(s) for s in machine.ACTIVE_STATUSES]))


def _coordinated_matches(user: User) -> list[Match]:
    query = pipeline.in_area(user, _active(sa.select(Match))).options(contains_eager(Match.posting))
    return list(db.session.scalars(query.order_by(Match.id)))


def _participant_matches(user: User) -> list[Match]:
    query = _active(pipeline.participant_matches(user)).join(Posting, Posting.id == Match.posting_id)
    return list(db.session.scalars(query.options(contains_eager(Match.posting))))


def _open_follow_ups(user: User) -> list[FollowUp]:
    query = pipeline.in_area(user, sa.select(FollowUp).join(Match, Match.id == FollowUp.match_id)).where(
        FollowUp.answered_at.is_(None))
    return list(db.session.scalars(query.options(contains_eager(FollowUp.match).contains_eager(Match.posting))
                                   .order_by(FollowUp.due_on, FollowUp.id)))


def _match_events(match: Match, url: str, host: str) -> Iterable[CalendarEvent]:
    title = match.posting.title
    if match.next_step_due is not None:
        step = match.next_step or _("次の一手")
        yield CalendarEvent(
            uid=f"match-{match.id}-next-step@{host}", starts_on=match.next_step_due, ends_on=match.next_step_due,
            summary=_("期日: %(step)s（%(title)s）", step=step, title=title),
            description=_("次の一手: %(step)s\n募集: %(title)s\n詳しくはサイトで確認してください: %(url)s",
                          step=step, title=title, url=url),
            url=url)
    if match.trial_starts_on is not None and match.trial_ends_on is not None:
        yield CalendarEvent(
            uid=f"match-{match.id}-trial@{host}", starts_on=match.trial_starts_on, ends_on=match.trial_ends_on,
            summary=_("お試し期間（%(title)s）", title=title),
            description=_("お試し期間: %(title)s\n詳しくはサイトで確認してください: %(url)s", title=title, url=url),
            url=url)


def site_url(endpoint: str, **values: object) -> str:
    """An absolute URL on the configured ``BASE_URL`` (the feed is read by calendar services)."""
    base = (current_app.config.get("BASE_URL") or "").rstrip("/")
    return base + url_for(endpoint, **values) if base else url_for(endpoint, _external=True, **values)


def events_for(user: User) -> tuple[list[CalendarEvent], str]:
    """What ``user``'s feed lists, in the user's language, and the calendar's name."""
    host = urlsplit(site_url("public.home")).hostname or "marketplace.invalid"
    events: list[CalendarEvent] = []
    with force_locale(user.locale):
        if user.role == Role.COORDINATOR:
            for match in _coordinated_matches(user):
                url = site_url("coordination.match_detail", match_id=match.id)
                events.extend(_match_events(match, url, host))
            for follow_up in _open_follow_ups(user):
                url = site_url("coordination.match_detail", match_id=follow_up.match_id)
                title = follow_up.match.posting.title
                events.append(CalendarEvent(
                    uid=f"follow-up-{follow_up.id}@{host}", starts_on=follow_up.due_on, ends_on=follow_up.due_on,
                    summary=_("%(months)dか月後の確認（%(title)s）", months=follow_up.months, title=title),
                    description=_("合意から%(months)dか月後の確認です。続いているか、どうなったかを記録してください。\n"
                                  "募集: %(title)s\n%(url)s", months=follow_up.months, title=title, url=url),
                    url=url))
        elif user.role in (Role.CANDIDATE, Role.MEMBER):
            for match in _participant_matches(user):
                url = site_url("matches.detail", match_id=match.id)
                events.extend(_match_events(match, url, host))
        calendar_name = _("地域人材マッチングの予定")
    events.sort(key=lambda e: (e.starts_on, e.uid))
    return events, calendar_name


# --- RFC 5545 text ---------------------------------------------------------------------------
def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, never inside a UTF-8 character (§3.1)."""
    pieces: list[str] = []
    current, size, limit = [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, 74  # a continuation line starts with one space
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _date(day: date) -> str:
    return day.strftime("%Y%m%d")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def render(events: list[CalendarEvent], calendar_name: str, now: datetime | None = None) -> str:
    """The VCALENDAR text of ``events``, CRLF line ends, folded."""
    stamp = _stamp(now or utcnow())
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(calendar_name)}", "X-WR-TIMEZONE:Asia/Tokyo",
             "REFRESH-INTERVAL;VALUE=DURATION:PT6H", "X-PUBLISHED-TTL:PT6H"]
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{escape_text(event.uid)}", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{_date(event.starts_on)}",
                  f"DTEND;VALUE=DATE:{_date(event.ends_on + timedelta(days=1))}",
                  f"SUMMARY:{escape_text(event.summary)}", f"DESCRIPTION:{escape_text(event.description)}",
                  f"URL:{event.url}", "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def feed_text(user: User) -> str:
    events, calendar_name = events_for(user)
    return render(events, calendar_name)
