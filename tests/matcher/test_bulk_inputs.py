"""Bulk writers of matching inputs queue their changes too: CSV imports and the seed commands."""
from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import ChangeKind, Match, MatchingChange, Posting, PostingStatus, User
from marketplace.schemes.registry import SCHEMES
from marketplace.postings import csv_table as csv_postings, operations as postings
from marketplace.seeding.demo import load_demo
from marketplace.seeding.demo_scale import scale_demo
from marketplace.suggestions.matcher import Matcher
from marketplace.suggestions.queue import candidate_schemes
from tests.matcher import world

HEADER = ("団体名", "制度", "募集の種類", "タイトル", "内容", "募集人数", "求めるスキル",
          "任用形態／契約形態／求める人材／望む出口／制度", "重点テーマ／ミッション／業種／分野")
ROW = {"団体名": "高知県", "制度": "自治体DXアクセラレータ", "募集の種類": "アクセラレータの募集（都道府県）",
       "タイトル": "DX推進計画の策定支援（CSV）", "内容": "市町村のDX推進計画の策定と業務改革（BPR）を支援します。",
       "募集人数": "2", "求めるスキル": "自治体DX、BPR", "任用形態／契約形態／求める人材／望む出口／制度": "非常勤",
       "重点テーマ／ミッション／業種／分野": "庁内DX"}


def _csv(*rows: dict[str, str]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([row.get(h, "") for h in HEADER])
    return buffer.getvalue()


def _queued(kind: str | None = None, ref_id: int | None = None) -> set[tuple[str, int | None, str]]:
    query = sa.select(MatchingChange.kind, MatchingChange.ref_id, MatchingChange.scheme)
    if kind is not None:
        query = query.where(MatchingChange.kind == kind)
    if ref_id is not None:
        query = query.where(MatchingChange.ref_id == ref_id)
    return {tuple(row) for row in db.session.execute(query)}


def test_csv_imported_postings_reach_matching_when_published_and_have_suggestions_after_a_drain(app_ctx):
    coordinator, _org = world.coordinator_and_org()
    profile_id = world.candidate(1)
    db.session.commit()
    Matcher(name="m", greedy=True).drain()

    preview, created = csv_postings.commit_import(coordinator, _csv(ROW, dict(ROW, タイトル="二件目（CSV）")))
    assert preview.ok, preview.errors
    db.session.commit()
    assert len(created) == 2 and {p.status for p in created} == {PostingStatus.DRAFT}
    # Drafts are no matching input (nobody is suggested for an unpublished posting): nothing to queue yet.
    assert _queued(ChangeKind.POSTING) == set()

    imported = created[0]
    postings.submit_for_review(coordinator, imported)
    postings.approve(coordinator, imported)
    db.session.rollback()  # a publish that does not commit queues nothing
    assert _queued(ChangeKind.POSTING) == set()
    imported = db.session.get(Posting, imported.id)
    postings.submit_for_review(coordinator, imported)
    postings.approve(coordinator, imported)
    db.session.commit()
    assert _queued(ChangeKind.POSTING) == {(ChangeKind.POSTING, imported.id, "accelerator")}

    assert Matcher(name="m", greedy=True).drain() >= 1
    assert _queued() == set()
    suggested = set(db.session.scalars(sa.select(Match.seeker_ref).where(Match.posting_id == imported.id)))
    assert f"c{profile_id}" in suggested
    assert not db.session.scalar(sa.select(sa.func.count(Match.id)).where(Match.posting_id == created[1].id))


def test_seed_scale_queues_a_rebuild_of_every_scheme_it_filled_in_its_own_transaction(app_ctx):
    load_demo()
    db.session.commit()
    db.session.execute(sa.delete(MatchingChange))  # the demo's own changes (its use cases queue them)
    db.session.commit()
    demo_postings = db.session.scalar(sa.select(sa.func.count(Posting.id)))

    scale_demo(candidates=230, postings_total=demo_postings + 40, coordinators=0)
    db.session.rollback()
    assert _queued() == set()

    report = scale_demo(candidates=230, postings_total=demo_postings + 40, coordinators=0)
    db.session.commit()
    assert (report.candidates_added, report.postings_added) == (10, 40)
    added = db.session.scalars(sa.select(Posting).order_by(Posting.id.desc()).limit(40)).all()
    rebuilt = {scheme for kind, _ref, scheme in _queued() if kind == ChangeKind.REBUILD}
    assert rebuilt == set(candidate_schemes()) | {p.scheme for p in added}
    assert _queued() == {(ChangeKind.REBUILD, None, scheme) for scheme in rebuilt}

    # Nothing added: nothing queued.
    db.session.execute(sa.delete(MatchingChange))
    db.session.commit()
    scale_demo(candidates=230, postings_total=demo_postings + 40, coordinators=0)
    db.session.commit()
    assert _queued() == set()

    # A drain of those rebuilds gives the synthetic needs and candidates suggestions.
    from marketplace.suggestions import queue as matching_queue

    matching_queue.record_rebuild(sorted(rebuilt))
    db.session.commit()
    assert Matcher(name="m", greedy=True).drain() == len(rebuilt)
    needs = [p.id for p in added if SCHEMES[p.scheme].posting_type(p.posting_type).side != "offer"]
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Match.posting_id))).where(
        Match.posting_id.in_(needs))) > len(needs) // 2
    synthetic = set(db.session.scalars(sa.select(User.id).where(User.email.like("scale-candidate-%"))))
    assert len(synthetic) == 10
    assert db.session.scalar(sa.select(sa.func.count(Match.id)).where(Match.seeker_ref.like("c%"),
                                                                     Match.posting_id.in_(needs)))


def test_seed_demo_and_pipeline_queue_their_changes_through_the_use_cases(app_ctx):
    from marketplace.suggestions import bridge as suggestions
    from marketplace.seeding.demo_pipeline import advance_demo_matches

    load_demo()
    db.session.commit()
    published = set(db.session.scalars(sa.select(Posting.id).where(Posting.status == PostingStatus.PUBLISHED)))
    queued = _queued()
    assert {ref for kind, ref, _s in queued if kind == ChangeKind.POSTING} >= published
    assert len({ref for kind, ref, _s in queued if kind == ChangeKind.PROFILE}) == 220

    suggestions.refresh_all()  # `flask match refresh` covers (and clears) what was queued before it
    db.session.commit()
    assert _queued() == set()
    advance_demo_matches()
    db.session.commit()
    closed = set(db.session.scalars(sa.select(Posting.id).where(Posting.status == PostingStatus.CLOSED))) & published
    assert closed  # agreed matches fill places, and full postings close
    assert {ref for kind, ref, _s in _queued() if kind == ChangeKind.POSTING} >= closed
