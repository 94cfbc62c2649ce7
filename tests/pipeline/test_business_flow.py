"""Random sequences of actions by every role never reveal contacts or a firm's identity too early.

A Hypothesis state machine drives the services (as any role, allowed or not) and after every
step renders the pages each person can open, looking for canary strings: the candidate's email
and phone must appear to the firm only after a coordinator's approval and both sides' consent;
the succession firm's name must appear to the candidate only after that introduction or an
approved disclosure request, and never to an outsider.
"""
from __future__ import annotations

import tempfile

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import Consent, DisclosureRequest, DisclosureStatus, Match, MatchStatus, OrgKind, Organisation, Role, User
from marketplace.accounts import operations as accounts
from marketplace.organisations import operations as organisations
from marketplace.matches import operations as pipeline
from marketplace.postings import operations as postings
from marketplace.profiles import operations as profiles
from marketplace.core.domain_errors import DomainError
from marketplace.seeding.reference import load_prefectures
from tests.conftest import PASSWORD, make_config

CANARY_EMAIL = "canary-7f3q@example.jp"
CANARY_PHONE = "090-7777-3131"
CANARY_FIRM = "カナリア酒造XQ7"
ACTORS = ("coordinator", "other_coordinator", "candidate", "outsider", "member", "other_member", "admin")


class BusinessFlow(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.app = create_app(make_config(0, MAIL_SERVER="", SQLALCHEMY_DATABASE_URI="sqlite://",
                                          RATELIMIT_ENABLED=False))
        self.app.instance_path = self.tmp.name
        # Requests must run outside any pushed app context: Flask would otherwise reuse that
        # context's ``g`` (and Flask-Login's cached user) for every client.
        with self.app.app_context():
            self._build()
        self.clients = {}
        for key in ("candidate", "outsider", "member", "other_member"):
            client = self.app.test_client()
            with self.app.app_context():
                email = self.user(key).email
            response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
            assert response.status_code == 302
            self.clients[key] = client

    def _build(self) -> None:
        db.create_all()
        load_prefectures()
        firm = Organisation(name=CANARY_FIRM, kind=OrgKind.FIRM, prefecture_code="39", verified=True)
        other = Organisation(name="別の会社", kind=OrgKind.FIRM, prefecture_code="39", verified=True)
        db.session.add_all([firm, other])
        db.session.flush()
        make = lambda email, role, org=None: accounts.create_user(  # noqa: E731
            email, PASSWORD, role, display_name=email.split("@")[0], organisation=org, verified=True)
        self.ids = {
            "coordinator": make("coord@example.jp", Role.COORDINATOR).id,
            "other_coordinator": make("coord2@example.jp", Role.COORDINATOR).id,
            "candidate": make(CANARY_EMAIL, Role.CANDIDATE).id,
            "outsider": make("outsider@example.jp", Role.CANDIDATE).id,
            "member": make("firm@example.jp", Role.MEMBER, firm).id,
            "other_member": make("other@example.jp", Role.MEMBER, other).id,
            "admin": make("admin@example.jp", Role.ADMIN).id,
        }
        for key, prefecture in (("coordinator", "39"), ("other_coordinator", "20")):
            organisations.set_coordinator_area(None, self.user(key),
                                               organisations.parse_area(("succession",), (prefecture,)))
        candidate = self.user("candidate")
        profile = profiles.get_or_create_profile(candidate)
        profile.phone = CANARY_PHONE
        coordinator = self.user("coordinator")
        data = postings.PostingData(
            title="創業80年の酒蔵の後継者", description="酒蔵を引き継ぐ方を探しています。", prefecture_code="39",
            municipality_code=None, remote="onsite", skills=[], deadline=None,
            extra={"disclosure": "anonymous", "firm_name": CANARY_FIRM})
        posting = postings.create_posting(self.user("member"), firm, "succession", "case", data)
        postings.submit_for_review(self.user("member"), posting)
        postings.approve(coordinator, posting)
        db.session.flush()
        match = Match(posting_id=posting.id, scheme="succession", seeker_ref=f"c{profile.id}",
                      candidate_profile_id=profile.id, score=0.7, explanation={})
        db.session.add(match)
        db.session.commit()
        self.posting_id, self.match_id = posting.id, match.id

    def teardown(self) -> None:
        with self.app.app_context():
            db.engine.dispose()
        self.tmp.cleanup()

    # --- helpers -----------------------------------------------------------------------
    def user(self, key: str) -> User:
        return db.session.get(User, self.ids[key])

    @property
    def match(self) -> Match:
        return db.session.get(Match, self.match_id)

    def attempt(self, action) -> None:
        """Run ``action(user_of, match)`` in its own app context; refusals roll back."""
        with self.app.app_context():
            try:
                action()
                db.session.commit()
            except DomainError:
                db.session.rollback()

    # --- actions by anyone -------------------------------------------------------------
    @rule(actor=st.sampled_from(ACTORS), decision=st.sampled_from(("approve", "hold", "reject")))
    def review(self, actor, decision):
        actions = {"approve": lambda: pipeline.approve(self.user(actor), self.match),
                   "hold": lambda: pipeline.hold(self.user(actor), self.match),
                   "reject": lambda: pipeline.reject(self.user(actor), self.match, "other")}
        self.attempt(actions[decision])

    @rule(actor=st.sampled_from(ACTORS), accept=st.booleans(), nda=st.booleans())
    def respond(self, actor, accept, nda):
        self.attempt(lambda: pipeline.respond(self.user(actor), self.match, accept, nda_accepted=nda))

    @rule(actor=st.sampled_from(ACTORS), stage=st.sampled_from(MatchStatus),
          outcome=st.sampled_from((None, "succeeded", "not_agreed", "withdrawn", "hired")))
    def advance(self, actor, stage, outcome):
        self.attempt(lambda: pipeline.advance(self.user(actor), self.match, stage.value, outcome=outcome))

    @rule(actor=st.sampled_from(ACTORS))
    def interest(self, actor):
        self.attempt(lambda: pipeline.express_interest(self.user(actor), self.match))

    @rule(actor=st.sampled_from(ACTORS))
    def message(self, actor):
        self.attempt(lambda: pipeline.post_message(self.user(actor), self.match, "よろしくお願いします"))

    @rule(actor=st.sampled_from(("candidate", "outsider")))
    def ask_disclosure(self, actor):
        from marketplace.models import Posting

        self.attempt(lambda: postings.request_disclosure(self.user(actor), db.session.get(Posting, self.posting_id)))

    @rule(actor=st.sampled_from(ACTORS), approve=st.booleans())
    def decide_disclosure(self, actor, approve):
        def decide() -> None:
            request = db.session.scalar(sa.select(DisclosureRequest).where(
                DisclosureRequest.status == DisclosureStatus.PENDING).order_by(DisclosureRequest.id).limit(1))
            if request is not None:
                postings.decide_disclosure(self.user(actor), request, approve)

        self.attempt(decide)

    # --- what must always hold ---------------------------------------------------------
    def _page(self, key: str, path: str) -> str:
        return self.clients[key].get(path).get_data(as_text=True)

    @invariant()
    def introduction_only_with_approval_and_both_consents(self):
        with self.app.app_context():
            self._check_introduction(self.match)

    @staticmethod
    def _check_introduction(match: Match) -> None:
        if match.introduced_at is not None:
            assert match.approved_at is not None
            assert match.seeker_consent == Consent.ACCEPTED and match.poster_consent == Consent.ACCEPTED
            assert match.nda_accepted_at is not None, "a succession candidate accepted the confidentiality agreement"

    @invariant()
    def contacts_only_after_introduction(self):
        with self.app.app_context():
            introduced = self.match.introduced_at is not None
        for key in ("member", "other_member"):
            page = self._page(key, f"/matches/{self.match_id}")
            shown = CANARY_EMAIL in page or CANARY_PHONE in page
            assert shown is (introduced and key == "member"), (key, introduced)

    @invariant()
    def firm_identity_only_after_its_disclosure_step(self):
        with self.app.app_context():
            approved = set(db.session.scalars(sa.select(DisclosureRequest.requester_id).where(
                DisclosureRequest.status == DisclosureStatus.APPROVED)))
            introduced = self.match.introduced_at is not None
        for person in ("candidate", "outsider"):
            in_match = person == "candidate" and introduced
            expected = {f"/postings/{self.posting_id}": in_match or self.ids[person] in approved,
                        f"/matches/{self.match_id}": in_match, "/matches/": False, "/candidates/": False}
            for path, entitled in expected.items():
                assert (CANARY_FIRM in self._page(person, path)) is entitled, (person, path)


BusinessFlow.TestCase.settings = settings(max_examples=25, stateful_step_count=12, deadline=None,
                                          suppress_health_check=[HealthCheck.too_slow])
test_business_flow = pytest.mark.filterwarnings("ignore::DeprecationWarning")(BusinessFlow.TestCase)
