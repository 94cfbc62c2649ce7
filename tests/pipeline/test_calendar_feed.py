"""Private iCalendar feeds: a standard parser reads them, they hold only the reader's own dates, and
a regenerated URL retires the old one."""
from __future__ import annotations

import re
from datetime import date, timedelta

import icalendar
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import FollowUp, Match, MatchStatus, Role, User, Visibility
from marketplace.matches import calendar_feeds
from marketplace.profiles import operations as profiles

URL = re.compile(r'value="(http://[^"]+/settings/calendar/feed/(cal_[A-Za-z0-9_-]+)\.ics)"')
TRICKY_STEP = "面談の日程調整, 場所; 県庁\\本庁舎\n持ち物: 名刺"
DUE = date(2027, 1, 15)


def _second_candidate(app, make_user) -> int:
    user_id = make_user(Role.CANDIDATE, email="second@example.jp")
    with app.app_context():
        user = db.session.get(User, user_id)
        profile = profiles.get_or_create_profile(user)
        profiles.update_profile(user, profile, profiles.ProfileData(
            display_name="佐藤 次郎", residence_prefecture="39", work_prefectures=["39"], remote="either",
            available_from=None, hours_per_month=20, employment_forms=["part_time"], compensation_min=None,
            compensation_max=None, skills=["自治体DX"], qualifications=[], other_qualifications="",
            self_intro="", phone="080-3333-4444", visibility=Visibility.COORDINATORS, careers=[]))
        db.session.commit()
        return profile.id


def _dated_matches(app, world, make_user) -> dict[str, int]:
    """The world's candidate in talks (with a next step and a trial), an agreed succession match with a
    follow-up, a second candidate's match and a match still under internal review."""
    second_profile = _second_candidate(app, make_user)
    with app.app_context():
        mine = Match(posting_id=world.position, scheme="accelerator", seeker_ref=f"c{world.profile}",
                     candidate_profile_id=world.profile, status=MatchStatus.IN_TALKS, introduced_at=None,
                     next_step=TRICKY_STEP, next_step_due=DUE,
                     trial_starts_on=date(2027, 2, 1), trial_ends_on=date(2027, 2, 28))
        agreed = Match(posting_id=world.case, scheme="succession", seeker_ref=f"c{world.profile}",
                       candidate_profile_id=world.profile, status=MatchStatus.AGREED)
        others = Match(posting_id=world.position, scheme="accelerator", seeker_ref=f"c{second_profile}",
                       candidate_profile_id=second_profile, status=MatchStatus.INTRODUCED,
                       next_step="佐藤さんだけの予定", next_step_due=DUE + timedelta(days=3))
        review = Match(posting_id=world.case, scheme="succession", seeker_ref=f"c{second_profile}",
                       candidate_profile_id=second_profile, status=MatchStatus.SUGGESTED,
                       next_step="審査中の内部メモ", next_step_due=DUE)
        db.session.add_all([mine, agreed, others, review])
        db.session.flush()
        db.session.add(FollowUp(match_id=agreed.id, months=3, due_on=date(2027, 4, 1)))
        db.session.commit()
        return {"mine": mine.id, "agreed": agreed.id, "others": others.id, "review": review.id}


def _feed_url(client) -> tuple[str, str]:
    page = client.get("/settings/calendar")
    assert page.status_code == 200
    if not URL.search(page.get_data(as_text=True)):
        assert client.post("/settings/calendar").status_code == 303
        page = client.get("/settings/calendar")
    found = URL.search(page.get_data(as_text=True))
    assert found, page.get_data(as_text=True)
    return found.group(1), found.group(2)


def _fetch(client, token: str):
    return client.get(f"/settings/calendar/feed/{token}.ics")


def _events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_a_participants_feed_parses_and_holds_only_their_own_dates(app, client, login_as, world, make_user):
    ids = _dated_matches(app, world, make_user)
    login_as(world.candidate)
    url, token = _feed_url(client)
    client.post("/auth/logout")
    response = _fetch(client, token)  # no sign-in: the token is the credential
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.get_data()
    # RFC 5545 framing: CRLF everywhere, no line over 75 octets, folds never split a character.
    assert b"\n" not in body.replace(b"\r\n", b"")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")
    events = _events(body)
    step = next(e for uid, e in events.items() if uid.startswith(f"match-{ids['mine']}-next-step@"))
    assert str(step["SUMMARY"]) == f"期日: {TRICKY_STEP}（DX推進計画の策定支援）"
    assert step.decoded("DTSTART") == DUE and step.decoded("DTEND") == DUE + timedelta(days=1)
    assert step["DTSTART"].params.get("VALUE") == "DATE"
    assert "DTSTAMP" in step and f"/matches/{ids['mine']}" in str(step["URL"])
    trial = next(e for uid, e in events.items() if uid.startswith(f"match-{ids['mine']}-trial@"))
    assert trial.decoded("DTSTART") == date(2027, 2, 1) and trial.decoded("DTEND") == date(2027, 3, 1)
    assert str(trial["SUMMARY"]) == "お試し期間（DX推進計画の策定支援）"
    # Not another person's match, not one under review, not the coordinators' follow-ups.
    text = body.decode("utf-8").replace("\r\n ", "")
    assert len(events) == 2
    for absent in ("佐藤", "審査中", "か月後の確認", str(ids["others"]) + "-", "080-3333-4444", "090-1111-2222",
                   "山田", "cand@example.jp", "土佐酒造"):
        assert absent not in text, absent
    assert url.endswith(f"/settings/calendar/feed/{token}.ics")


def test_a_coordinators_feed_covers_their_area_only(app, client, login_as, world, make_user):
    ids = _dated_matches(app, world, make_user)
    login_as(world.coordinator)
    _url, token = _feed_url(client)
    body = _fetch(client, token).get_data()
    events = _events(body)
    uids = set(events)
    assert any(u.startswith(f"match-{ids['mine']}-next-step@") for u in uids)
    assert any(u.startswith(f"match-{ids['others']}-next-step@") for u in uids)
    assert not any(u.startswith(f"match-{ids['review']}-") for u in uids)  # still a suggestion
    follow_up = next(e for u, e in events.items() if u.startswith("follow-up-"))
    assert str(follow_up["SUMMARY"]) == "3か月後の確認（創業80年の酒蔵の後継者）"
    assert follow_up.decoded("DTSTART") == date(2027, 4, 1)
    text = body.decode("utf-8").replace("\r\n ", "")
    for absent in ("土佐酒造", "山田", "佐藤 次郎", "090-1111-2222", "080-3333-4444", "@example.jp"):
        assert absent not in text, absent
    client.post("/auth/logout")
    login_as(world.other_coordinator)  # Nagano: nothing of Kochi's
    _url, other_token = _feed_url(client)
    assert other_token != token
    assert _events(_fetch(client, other_token).get_data()) == {}
    client.post("/auth/logout")
    login_as(world.outsider)
    _url, outsider_token = _feed_url(client)
    assert _events(_fetch(client, outsider_token).get_data()) == {}


def test_regenerating_needs_a_confirmation_and_retires_the_old_url(app, client, login_as, world):
    login_as(world.member)
    _url, old = _feed_url(client)
    confirm = client.get("/settings/calendar/regenerate")
    assert confirm.status_code == 200 and "今のURLは使えなくなります" in confirm.get_data(as_text=True)
    assert _fetch(client, old).status_code == 200  # looking at the confirmation changes nothing
    assert client.post("/settings/calendar/regenerate").status_code == 303
    _url, new = _feed_url(client)
    assert new != old
    assert _fetch(client, old).status_code == 404
    assert _fetch(client, new).status_code == 200
    for bad in ("cal_" + "A" * 43, "nonsense", "cal_" + "x" * 200, new + "x"):
        assert _fetch(client, bad).status_code == 404, bad


def test_the_feed_page_is_for_the_people_with_dates(client, login_as, make_user, world):
    response = client.get("/settings/calendar")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login_as(make_user(Role.ADMIN))
    assert client.get("/settings/calendar").status_code == 403
    assert client.post("/settings/calendar").status_code == 403


def test_a_deactivated_persons_feed_answers_404(app, client, login_as, world):
    login_as(world.candidate)
    _url, token = _feed_url(client)
    with app.app_context():
        db.session.get(User, world.candidate).active = False
        db.session.commit()
    assert _fetch(client, token).status_code == 404


def test_the_feed_is_in_the_readers_language(app, client, login_as, world, make_user):
    _dated_matches(app, world, make_user)
    with app.app_context():
        db.session.get(User, world.candidate).locale = "en"
        db.session.commit()
    login_as(world.candidate)
    _url, token = _feed_url(client)
    events = _events(_fetch(client, token).get_data())
    assert any(str(e["SUMMARY"]).startswith("Trial period") for e in events.values())


def test_folding_and_escaping():
    line = "SUMMARY:" + "地域のデジタル化、" * 20
    folded = calendar_feeds.fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert "".join([pieces[0]] + [p[1:] for p in pieces[1:]]) == line
    assert calendar_feeds.escape_text("a,b;c\\d\r\ne\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    assert calendar_feeds.fold("short") == "short"


def test_deleting_the_account_removes_the_feed_and_the_form_keys(app, client, login_as, world):
    from marketplace.models import CalendarFeed, IdempotencyKey
    from marketplace.profiles import operations as profile_service

    login_as(world.candidate)
    _url, token = _feed_url(client)
    with app.app_context():
        db.session.add(IdempotencyKey(user_id=world.candidate, key="k" * 32, result_url="/"))
        user = db.session.get(User, world.candidate)
        profile_service.delete_account(user, user)
        db.session.commit()
        for model in (CalendarFeed, IdempotencyKey):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
    assert _fetch(client, token).status_code == 404
