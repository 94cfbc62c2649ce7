"""``load_demo``: realistic content for every scheme, idempotent and deterministic."""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import (
    Base,
    CandidateProfile,
    CloseReason,
    Municipality,
    Organisation,
    Posting,
    PostingStatus,
    Role,
    SchemeOptIn,
    User,
)
from marketplace.schemes.registry import SCHEMES
from marketplace.seeding.demo import DEMO_PASSWORD, DEMO_USERS, build_plan, load_demo
from marketplace.accounts.passwords import verify_password
from marketplace.seeding.reference import load_prefectures


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _row_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def _titles() -> list[str]:
    return list(db.session.scalars(sa.select(Posting.title).order_by(Posting.id)))


def test_demo_fills_every_scheme_and_is_idempotent(app):
    with app.app_context():
        made = load_demo()
        db.session.commit()

        # named accounts only, exactly as before
        assert made == [(email, role.value) for email, role, *_ in DEMO_USERS]

        # candidates: full profiles, one or two schemes each
        profiles = db.session.scalars(sa.select(CandidateProfile)).all()
        generated = [p for p in profiles if p.user.email.startswith("demo-candidate-")]
        assert len(generated) >= 200
        for profile in generated:
            assert profile.user.display_name and profile.residence_prefecture and profile.work_prefectures
            assert profile.skills and 1 <= len(profile.careers) <= 3
            assert 80 <= len(profile.self_intro) <= 200, profile.self_intro
            assert 1 <= len(profile.opt_ins) <= 2
        assert len({p.self_intro for p in generated}) > 150
        assert len({p.visibility for p in generated}) == 3
        opt_ins = db.session.scalars(sa.select(SchemeOptIn)).all()
        assert {o.scheme for o in opt_ins} == {"accelerator", "side_job", "succession", "adviser"}
        accelerator = [o.details for o in opt_ins if o.scheme == "accelerator"]
        assert all(0 <= d["years_experience"] <= 20 for d in accelerator)
        assert any(d["exams"] for d in accelerator) and any(d["claims_equivalent"] for d in accelerator)
        side = [o.details for o in opt_ins if o.scheme == "side_job"]
        assert all(30_000 <= d["monthly_fee_min"] <= 150_000 and d["missions"] for d in side)

        # one password for every generated account, verified addresses
        user = db.session.scalar(sa.select(User).where(User.email == "demo-candidate-001@example.jp"))
        assert user.email_verified and verify_password(user.password_hash, DEMO_PASSWORD)

        # postings
        all_postings = db.session.scalars(sa.select(Posting)).all()
        assert len(all_postings) >= 80
        assert len({p.prefecture_code for p in all_postings}) >= 20
        kinds = {(p.scheme, p.posting_type) for p in all_postings}
        assert kinds == {(s.code.value, t.code) for s in SCHEMES.values() for t in s.posting_types}
        published = Counter(p.scheme for p in all_postings if p.status == PostingStatus.PUBLISHED)
        assert set(published) == set(SCHEMES)
        statuses = Counter(p.status for p in all_postings)
        assert statuses[PostingStatus.DRAFT] and statuses[PostingStatus.IN_REVIEW] and statuses[PostingStatus.CLOSED]
        assert statuses[PostingStatus.PUBLISHED] > len(all_postings) / 2
        assert {p.close_reason for p in all_postings if p.status == PostingStatus.CLOSED} <= {
            CloseReason.FILLED, CloseReason.WITHDRAWN}
        assert all(p.published_at for p in all_postings if p.status == PostingStatus.PUBLISHED)
        side_jobs = [p for p in all_postings if p.scheme == "side_job"]
        assert any(p.months > 5 for p in side_jobs) and any(p.months <= 5 for p in side_jobs)
        succession = [p for p in all_postings if p.scheme == "succession"]
        anonymous = [p for p in succession if p.anonymous]
        assert anonymous and all(p.confidential.get("firm_name") for p in anonymous)
        assert all(p.confidential["firm_name"] not in p.title for p in anonymous)
        assert any(not p.anonymous for p in succession)

        # organisations: verified (but one), with a member, at real municipalities
        for org in db.session.scalars(sa.select(Organisation)):
            assert org.verified == (org.name != "未確認の合同会社")
            assert db.session.scalar(sa.select(sa.func.count()).where(User.organisation_id == org.id)) >= 1
        codes = {p.municipality_code for p in all_postings if p.municipality_code}
        codes |= set(db.session.scalars(sa.select(Organisation.municipality_code).where(
            Organisation.municipality_code.is_not(None))))
        assert codes <= set(db.session.scalars(sa.select(Municipality.code)))
        candidates = db.session.scalar(sa.select(sa.func.count()).where(User.role == Role.CANDIDATE))
        assert candidates == len(generated) + 1  # candidate@example.jp keeps its empty profile

        before = _row_counts()
        load_demo()
        db.session.commit()
        assert _row_counts() == before


def test_demo_is_deterministic(app, app_config):
    with app.app_context():
        load_demo()
        db.session.commit()
        first = _titles()
        first_names = list(db.session.scalars(sa.select(User.display_name).where(
            User.email.like("demo-candidate-%")).order_by(User.email)))
    other = create_app(app_config)
    with other.app_context():
        db.drop_all()  # a fresh database (shared on PostgreSQL, separate on in-memory SQLite)
        db.create_all()
        load_prefectures()
        load_demo()
        db.session.commit()
        assert _titles() == first
        assert list(db.session.scalars(sa.select(User.display_name).where(
            User.email.like("demo-candidate-%")).order_by(User.email))) == first_names
        db.session.remove()
        db.engine.dispose()


def test_plan_is_pure_and_repeatable():
    first, second = build_plan(), build_plan()
    assert [p.data.title for p in first.postings] == [p.data.title for p in second.postings]
    assert [c.profile for c in first.candidates] == [c.profile for c in second.candidates]
    assert len({p.data.title for p in first.postings}) == len(first.postings)
