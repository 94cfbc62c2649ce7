"""What a digest says, to whom, in which language — and that it says nothing when nothing is new."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    CandidateProfile,
    DeliveryMode,
    HeldNotification,
    OrgKind,
    OutboxMessage,
    Posting,
    PostingStatus,
    Role,
    SavedSearch,
    SavedSearchDelivery,
    SchemeOptIn,
    User,
    utcnow,
)
from marketplace.scheduler import jobs
from marketplace.digests import notifications
from tests.digests.conftest import add_match, add_posting, backdate, jst, profile_of


def _parts(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def _without_tokens(text: str) -> str:
    """The text without signed unsubscribe tokens (random characters could spell any number)."""
    return re.sub(r"/settings/unsubscribe/[^\s\"<>]+", "/settings/unsubscribe/TOKEN", text)


def test_japanese_digest_arrives_once_with_encoded_subject_html_text_and_one_click_headers(app, kochi, mailbox):
    with app.app_context():
        posting = add_posting(kochi["org"], title="高知県 DX推進計画の策定支援")
        add_match(posting, profile_of(kochi["candidate"]), jst(-1, 12))
        jobs.daily_digests(jst(0, 8, 0))
    (message,) = mailbox.to("cand@example.jp")
    assert message["Subject"] == "【地域人材マッチング】2026年1月5日のお知らせ"
    raw_subject = dict(message.raw_items())["Subject"]
    assert "=?utf-8?" in raw_subject.lower() and "地域" not in raw_subject  # RFC 2047, not raw bytes
    text, html = _parts(message)
    assert "高知県 DX推進計画の策定支援" in text and f"http://localhost/postings/{posting}" in text
    assert f'<a href="http://localhost/postings/{posting}">高知県 DX推進計画の策定支援</a>' in html
    assert "自治体DXアクセラレータ" in text  # grouped under the scheme
    assert message["List-Unsubscribe"].startswith("<http://localhost/settings/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "http://localhost/settings/unsubscribe/" in text and "http://localhost/settings/notifications" in text


def test_nothing_new_means_nothing_sent(app, kochi, make_user, mailbox):
    quiet = make_user(Role.CANDIDATE, email="quiet@example.jp")
    with app.app_context():
        backdate(quiet)
        profile_of(quiet)
        add_match(add_posting(kochi["org"]), profile_of(kochi["candidate"]), jst(-1, 12))
        jobs.daily_digests(jst(0, 8, 0))
        assert len(mailbox.messages) == 3  # the candidate, the posting's member, the area's coordinator
        mailbox.clear()
        jobs.daily_digests(jst(1, 8, 0))  # a day with nothing new for anyone
        jobs.weekly_digests(jst(7, 8, 0))
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 3
    assert mailbox.messages == []


def test_each_item_is_mailed_in_one_digest_only(app, kochi, mailbox):
    with app.app_context():
        profile = profile_of(kochi["candidate"])
        first = add_posting(kochi["org"], title="一件目の募集")
        add_match(first, profile, jst(-1, 20))
        jobs.daily_digests(jst(0, 8, 0))
        second = add_posting(kochi["org"], title="二件目の募集")
        add_match(second, profile, jst(0, 15))
        jobs.daily_digests(jst(1, 8, 0))
        jobs.daily_digests(jst(2, 8, 0))  # nothing new on the third day
    monday, tuesday = mailbox.to("cand@example.jp")
    assert "一件目の募集" in _parts(monday)[0] and "二件目の募集" not in _parts(monday)[0]
    assert "二件目の募集" in _parts(tuesday)[0] and "一件目の募集" not in _parts(tuesday)[0]


def test_private_matching_signals_never_appear_in_any_mail(app, kochi, mailbox):
    with app.app_context():
        user = db.session.get(User, kochi["candidate"])
        profile_id = profile_of(kochi["candidate"])
        profile = db.session.get(CandidateProfile, profile_id)
        profile.compensation_min, profile.hours_per_month = 987654, 37
        db.session.add(SchemeOptIn(profile=profile, scheme="accelerator", details={"monthly_fee_min": 876543}))
        posting = add_posting(kochi["org"], title="非公開の条件がある募集")
        match_id = add_match(posting, profile_id, jst(-1, 12), score=91.0)
        from marketplace.models import Match

        db.session.get(Match, match_id).explanation = {"fee": {"monthly_fee_min": 876543}, "reasons": ["fee_fits"]}
        db.session.commit()
        assert user.email == "cand@example.jp"
        jobs.daily_digests(jst(0, 8, 0))
    assert {m["To"] for m in mailbox.messages} == {"cand@example.jp", "member@example.jp", "coord@example.jp"}
    for message in mailbox.messages:
        text, html = (_without_tokens(part) for part in _parts(message))
        for secret in ("987654", "987,654", "876543", "876,543", "fee_fits", "monthly_fee_min"):
            assert secret not in text and secret not in html, (message["To"], secret)
    # Only coordinators see a score; the candidate and the organisation never do.
    for address in ("cand@example.jp", "member@example.jp"):
        (message,) = mailbox.to(address)
        text = _without_tokens(_parts(message)[0])
        assert "適合度" not in text and "91" not in text


def test_long_sections_are_capped_newest_first_with_a_link_to_the_rest(app, kochi, mailbox):
    app.config["DIGEST_SECTION_LIMIT"] = 5
    with app.app_context():
        profile = profile_of(kochi["candidate"])
        for i in range(8):
            add_match(add_posting(kochi["org"], title=f"募集その{i}"), profile, jst(-1, 9 + i))
        jobs.daily_digests(jst(0, 8, 0))
    (message,) = mailbox.to("cand@example.jp")
    text, html = _parts(message)
    listed = [line for line in text.splitlines() if line.startswith("・")]
    assert listed == [f"・募集その{i}（高知県）" for i in (7, 6, 5, 4, 3)]
    assert "ほか 3件: http://localhost/candidates/" in text
    assert '<a href="http://localhost/candidates/">ほか 3件</a>' in html


def test_items_are_grouped_by_scheme_in_the_sites_order(app, kochi, mailbox):
    with app.app_context():
        profile = profile_of(kochi["candidate"])
        side = add_posting(kochi["org"], title="販路拡大の副業", scheme="side_job")
        add_match(side, profile, jst(-1, 12), scheme="side_job")
        accel = add_posting(kochi["org"], title="DXの募集")
        add_match(accel, profile, jst(-1, 10))
        jobs.daily_digests(jst(0, 8, 0))
    text, _html = _parts(mailbox.to("cand@example.jp")[0])
    assert text.index("■ 自治体DXアクセラレータ") < text.index("DXの募集") < text.index("■ 副業・兼業") \
        < text.index("販路拡大の副業")


def test_english_speakers_get_english_scheme_names_dates_and_markup(app, make_org, make_user, mailbox):
    org = make_org("高知県", OrgKind.PREFECTURE, "39")
    user = make_user(Role.CANDIDATE, email="en@example.jp", locale="en")
    with app.app_context():
        backdate(user)
        add_match(add_posting(org, title="DX plan support"), profile_of(user), jst(-1, 12))
        jobs.daily_digests(jst(0, 8, 0))
    (message,) = mailbox.to("en@example.jp")
    text, html = _parts(message)
    assert "2026-01-05" in message["Subject"]
    assert "Municipal DX Accelerators" in text and "自治体DXアクセラレータ" not in text
    assert "DX plan support (Kochi)" in text and '<html lang="en">' in html


def test_coordinators_get_their_areas_queue_reviews_and_high_scores_only(app, kochi, make_org, mailbox):
    tokyo = make_org("東京都", OrgKind.PREFECTURE, "13")
    with app.app_context():
        profile = profile_of(kochi["candidate"])
        old = add_posting(kochi["org"], title="前からある募集")
        add_match(old, profile, jst(-10), score=60)
        jobs.daily_digests(jst(-9, 8, 0))  # mailed back then
        mailbox.clear()
        fresh = add_posting(kochi["org"], title="新しい募集")
        add_match(fresh, profile, jst(-1, 12), score=92)
        add_posting(kochi["org"], title="審査待ちの募集", status=PostingStatus.IN_REVIEW, updated_at=jst(-1, 9))
        elsewhere = add_posting(tokyo, title="東京の募集", prefecture="13")
        add_match(elsewhere, profile, jst(-1, 12), score=99)
        jobs.daily_digests(jst(0, 8, 0))
    (message,) = mailbox.to("coord@example.jp")
    text, _html = _parts(message)
    assert "確認待ち 2件（うち新着 1件）" in text
    assert text.index("前からある募集") < text.index("新しい募集")  # the queue lists the oldest first
    assert "審査待ちの募集" in text and "審査待ち 1件（うち新着 1件）" in text
    assert "適合度の高い新しい提案" in text and "適合度 92" in text
    assert "東京の募集" not in text


def test_a_coordinator_whose_queue_holds_only_old_items_gets_nothing(app, kochi, mailbox):
    with app.app_context():
        add_match(add_posting(kochi["org"]), profile_of(kochi["candidate"]), jst(-10))
        jobs.daily_digests(jst(-9, 8, 0))
        assert len(mailbox.to("coord@example.jp")) == 1
        mailbox.clear()
        jobs.daily_digests(jst(0, 8, 0))  # the suggestion still waits, but it is not news
    assert mailbox.to("coord@example.jp") == []


def test_members_hear_of_new_candidates_for_their_own_postings_only(app, kochi, make_org, make_user, mailbox):
    other = make_org("土佐の会社", OrgKind.FIRM, "39")
    other_member = make_user(Role.MEMBER, org_id=other, email="other-member@example.jp")
    with app.app_context():
        backdate(other_member)
        profile = profile_of(kochi["candidate"])
        ours = add_posting(kochi["org"], title="県の募集")
        add_match(ours, profile, jst(-1, 12))
        jobs.daily_digests(jst(0, 8, 0))
    (message,) = mailbox.to("member@example.jp")
    text, _html = _parts(message)
    assert "県の募集（新しい候補 1件）" in text and f"http://localhost/postings/{ours}" in text
    assert mailbox.to("other-member@example.jp") == []


def test_saved_search_results_are_new_since_saving_and_mailed_once(app, kochi, mailbox):
    with app.app_context():
        db.session.add(SavedSearch(user_id=kochi["candidate"], name="高知のDX", target="postings",
                                   params={"scheme": "accelerator", "prefecture": "39"}, created_at=jst(-5)))
        db.session.commit()
        add_posting(kochi["org"], title="保存前からある募集", published_at=jst(-6))
        new = add_posting(kochi["org"], title="保存後の新しい募集", published_at=jst(-1, 10))
        add_posting(kochi["org"], title="他県の募集", prefecture="13", published_at=jst(-1, 11))
        jobs.daily_digests(jst(0, 8, 0))
        later = add_posting(kochi["org"], title="翌日の新しい募集", published_at=jst(0, 12))
        jobs.daily_digests(jst(1, 8, 0))
        jobs.daily_digests(jst(2, 8, 0))
        delivered = db.session.scalars(sa.select(SavedSearchDelivery.item_ref).order_by(SavedSearchDelivery.id)).all()
        assert delivered == [f"p{new}", f"p{later}"]
        assert db.session.scalar(sa.select(SavedSearch.last_notified_at)) == jst(1, 8, 0)
    message, next_day = mailbox.to("cand@example.jp")
    text, _html = _parts(message)
    assert "保存した検索「高知のDX」の新着" in text and "保存後の新しい募集" in text
    assert "保存前からある募集" not in text and "他県の募集" not in text
    assert "翌日の新しい募集" in _parts(next_day)[0] and "保存後の新しい募集" not in _parts(next_day)[0]
    assert "http://localhost/postings?scheme=accelerator&prefecture=39" in text or \
        "http://localhost/postings?prefecture=39&scheme=accelerator" in text


def test_a_notice_held_for_the_digest_travels_in_the_next_digest_once(app, kochi, mailbox):
    with app.app_context():
        user = db.session.get(User, kochi["member"])
        notifications.set_modes(user, {"message": DeliveryMode.DAILY})
        db.session.commit()
        outcome = notifications.notify(user, "message", subject="新しいメッセージが届きました", text="本文",
                                       key="message:1", link="http://localhost/matches/1", now=jst(-1, 15))
        db.session.commit()
        assert outcome == notifications.NoticeOutcome.HELD
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
        jobs.daily_digests(jst(0, 8, 0))
        jobs.daily_digests(jst(1, 8, 0))
        assert db.session.scalar(sa.select(HeldNotification.digest_id)) is not None
    (message,) = mailbox.to("member@example.jp")
    text, _html = _parts(message)
    assert "あなた宛てのお知らせ" in text and "新しいメッセージが届きました" in text
    assert "http://localhost/matches/1" in text


def test_immediate_notices_leave_once_per_key_and_off_means_nothing(app, kochi, mailbox):
    from marketplace.digests.outbox import send_pending

    with app.app_context():
        user = db.session.get(User, kochi["candidate"])
        for _ in range(2):
            outcome = notifications.notify(user, "introduction", subject="紹介のご相談が届きました",
                                           text="サイトでご確認ください。", key="intro:m1:u1", now=jst(0, 10))
        db.session.commit()
        assert outcome == notifications.NoticeOutcome.DUPLICATE
        send_pending(jst(0, 10, 1))
        notifications.set_modes(user, {"introduction": DeliveryMode.OFF})
        assert notifications.notify(user, "introduction", subject="二通目", text="…", key="intro:m2:u1") \
            == notifications.NoticeOutcome.OFF
        db.session.commit()
        send_pending(jst(0, 10, 2))
    (message,) = mailbox.to("cand@example.jp")
    assert message["Subject"] == "紹介のご相談が届きました"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "http://localhost/settings/unsubscribe/" in message.get_body(preferencelist=("plain",)).get_content()


def test_unknown_notice_kinds_are_refused(app, kochi):
    with app.app_context():
        with pytest.raises(ValueError):
            notifications.notify(db.session.get(User, kochi["candidate"]), "nonsense", subject="s", text="t", key="k")


def test_preview_prints_the_digest_and_writes_nothing(app, kochi, runner):
    with app.app_context():
        add_match(add_posting(kochi["org"], title="プレビューの募集"), profile_of(kochi["candidate"]),
                  utcnow() - timedelta(hours=1))
    result = runner.invoke(args=["digests", "preview", "--user", "cand@example.jp"])
    assert result.exit_code == 0, result.output
    assert "Subject: 【地域人材マッチング】" in result.output and "プレビューの募集" in result.output
    assert runner.invoke(args=["digests", "preview", "--user", "member@example.jp"]).output.count("プレビューの募集") == 1
    missing = runner.invoke(args=["digests", "preview", "--user", "nobody@example.jp"])
    assert missing.exit_code != 0 and "no user" in missing.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_send_now_builds_the_due_digests_and_sends_them_once(app, kochi, runner, mailbox):
    with app.app_context():
        add_match(add_posting(kochi["org"], title="今すぐの募集"), profile_of(kochi["candidate"]),
                  utcnow() - timedelta(minutes=30))
    first = runner.invoke(args=["digests", "send", "--now"])
    assert first.exit_code == 0, first.output
    assert "sent 3" in first.output  # candidate, member and coordinator
    again = runner.invoke(args=["digests", "send", "--now"])
    assert again.exit_code == 0 and "sent 0" in again.output
    assert len(mailbox.to("cand@example.jp")) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(Posting.title)) == "今すぐの募集"
