"""``flask seed scale``: synthetic candidates, postings and coordinators on top of the demo, for load tests."""
from __future__ import annotations

import re

import pyotp
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    CandidateProfile,
    ConsentRecord,
    Match,
    Posting,
    PostingStatus,
    Role,
    SchemeOptIn,
    User,
)
from marketplace.schemes.registry import SCHEMES
from marketplace.suggestions import bridge as suggestions
from marketplace.seeding.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo
from marketplace.seeding.demo_scale import scale_demo
from marketplace.accounts.passwords import verify_password


def _count(query) -> int:
    return db.session.scalar(query) or 0


def test_scale_tops_the_demo_up_to_the_totals_and_is_idempotent(app):
    with app.app_context():
        load_demo()
        db.session.commit()
        demo_postings = _count(sa.select(sa.func.count()).select_from(Posting))
        report = scale_demo(candidates=400, postings_total=demo_postings + 150, coordinators=3)
        db.session.commit()

        assert _count(sa.select(sa.func.count()).select_from(CandidateProfile)) == 400
        assert _count(sa.select(sa.func.count()).select_from(Posting)) == demo_postings + 150
        assert (report.postings_added, report.coordinators_added) == (150, 3)

        synthetic = db.session.scalars(sa.select(CandidateProfile).join(User).where(
            User.email.like("scale-candidate-%"))).all()
        assert len(synthetic) == report.candidates_added == 400 - 220
        for profile in synthetic:
            assert profile.residence_prefecture and profile.skills and profile.careers and profile.opt_ins
            # Whether the name is searchable follows each person's field choice (profiles/visibility.py).
            assert profile.search_text
        consents = _count(sa.select(sa.func.count()).select_from(ConsentRecord).join(User, User.id == ConsentRecord.user_id)
                          .where(User.email.like("scale-candidate-%")))
        assert consents == len(synthetic)
        opt_in_schemes = set(db.session.scalars(sa.select(SchemeOptIn.scheme).distinct()))
        assert opt_in_schemes <= set(SCHEMES) - {"startup"}

        added = db.session.scalars(sa.select(Posting).order_by(Posting.id.desc()).limit(150)).all()
        assert {p.status for p in added} == {PostingStatus.PUBLISHED}
        assert len({p.prefecture_code for p in added}) > 20
        assert {p.scheme for p in added} == set(SCHEMES)
        for posting in added:
            assert posting.published_at and posting.search_text and posting.organisation.verified
            assert posting.organisation.prefecture_code == posting.prefecture_code
            assert posting.organisation.kind in SCHEMES[posting.scheme].posting_type(posting.posting_type).poster_kinds
            assert [h.to_status for h in posting.history] == ["draft", "in_review", "published"]

        # every synthetic account shares one hash of the demo password
        hashes = set(db.session.scalars(sa.select(User.password_hash).where(sa.or_(
            User.email.like("scale-%"), User.email.like("load-coordinator-%")))))
        assert len(hashes) == 1 and verify_password(hashes.pop(), DEMO_PASSWORD)

        again = scale_demo(candidates=400, postings_total=demo_postings + 150, coordinators=3)
        db.session.commit()
        assert (again.candidates_added, again.organisations_added, again.postings_added,
                again.coordinators_added) == (0, 0, 0, 0)

        # the matching engine takes the synthetic rows like any others
        suggestions.refresh_all()
        db.session.commit()
        assert _count(sa.select(sa.func.count()).select_from(Match).where(Match.posting_id.in_([p.id for p in added])))


def test_load_coordinators_sign_in_with_the_demo_password_and_code(app, client):
    with app.app_context():
        load_demo()
        scale_demo(candidates=220, postings_total=0, coordinators=2)
        db.session.commit()
        coordinator = db.session.scalar(sa.select(User).where(User.email == "load-coordinator-02@example.jp"))
        assert coordinator.role == Role.COORDINATOR
        assert {(a.scheme, a.prefecture_code) for a in coordinator.areas} == {(s, "02") for s in SCHEMES}

    response = client.post("/auth/login", data={"email": "load-coordinator-02@example.jp", "password": DEMO_PASSWORD})
    assert response.headers["Location"].endswith("/auth/login/code")
    response = client.post("/auth/login/code", data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
    assert response.status_code == 302 and not re.search(r"/auth/", response.headers["Location"])
    assert client.get("/coordination/matches").status_code == 200


def test_seed_scale_command_reports_what_it_added(app, runner):
    with app.app_context():
        load_demo()
        db.session.commit()
    result = runner.invoke(args=["seed", "scale", "--candidates", "230", "--postings", "0", "--coordinators", "1"])
    assert result.exit_code == 0, result.output
    assert "added 10 candidates" in result.output and "1 coordinators" in result.output
