"""Load test of the read paths people use most (run by ``make load``; see scripts/load_test.py).

Three kinds of simulated users, all over the demo data scaled with ``flask seed scale``:

* anonymous visitors browse the posting list (pages, filters, keyword search) and open postings;
* candidates (``demo-candidate-NNN@example.jp``) sign in through the real form and look at their
  dashboard of suggestions, then at suggested postings;
* coordinators (``load-coordinator-NN@example.jp``, created by ``flask seed scale``) sign in with
  password and one-time code and work through their review queue and match pages.

Writes go through the real forms too, at rates far below the reads (weights ``LOAD_WEIGHT_*``):
candidates save their profile and re-save a scheme they joined, coordinators edit a published
posting of their prefecture (a published posting's edit reaches matching as a publish does). Each
write only records a matching change; ``scripts/load_test.py`` runs a matcher beside gunicorn that
applies them. Forms are sent as a browser would (``tests/load/formdata.py``).

Sign-ins use the real forms: the CSRF token is read from each page and the TOTP code is computed
from the demo secret. Every simulated person uses their own account (a one-time code is accepted
once per account). Requests are grouped under fixed names so that the statistics are per page.
"""
from __future__ import annotations

import itertools
import logging
import os
import random
import re
from urllib.parse import urlencode, urlparse

import gevent
import pyotp
from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

try:
    from formdata import form_fields, replace  # locust puts this folder on sys.path
except ImportError:  # pragma: no cover - imported as a module of the test tree
    from tests.load.formdata import form_fields, replace

DEMO_PASSWORD = "demo-Pass-2026"
DEMO_TOTP_SECRET = "DEMOTOTPSECRETFORLOCALTRIALS2345"
CANDIDATE_EMAIL = "demo-candidate-{:03d}@example.jp"
CANDIDATE_ACCOUNTS = 220
COORDINATOR_EMAIL = "load-coordinator-{:02d}@example.jp"
COORDINATOR_ACCOUNTS = int(os.environ.get("LOAD_COORDINATORS", "20"))
WAIT_MIN = float(os.environ.get("LOAD_WAIT_MIN", "0.5"))
WAIT_MAX = float(os.environ.get("LOAD_WAIT_MAX", "1.5"))
WARM_UP = float(os.environ.get("LOAD_WARM_UP", "10"))
#: Relative weights of the writes (reads of the same user weigh 35 for candidates, 21 for coordinators).
WEIGHT_PROFILE_SAVE = int(os.environ.get("LOAD_WEIGHT_PROFILE_SAVE", "1"))
WEIGHT_OPT_IN = int(os.environ.get("LOAD_WEIGHT_OPT_IN", "1"))
WEIGHT_POSTING_EDIT = int(os.environ.get("LOAD_WEIGHT_POSTING_EDIT", "1"))
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

SCHEMES = ("accelerator", "side_job", "succession", "startup", "adviser")
PREFECTURES = tuple(f"{i:02d}" for i in range(1, 48))
SEARCH_TERMS = ("DX", "販路開拓", "事業承継", "観光", "EC", "自治体", "農業", "生成AI", "人事制度", "脱炭素",
                "ＤＸ", "ガバメントクラウド", "食品加工", "高知", "長野")
SORTS = ("new", "deadline", "budget")

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
POSTING_LINK = re.compile(r'href="/postings/(\d+)"')
MATCH_LINK = re.compile(r'href="/coordination/matches/(\d+)"')
SCHEME_LINK = re.compile(r'href="/candidates/schemes/([a-z_]+)"')

_candidate_numbers = itertools.count(1)
_coordinator_numbers = itertools.count(1)
#: Posting ids seen on list pages, shared by all simulated users of this process.
_posting_ids: set[int] = set()


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def _remember_postings(html: str) -> list[int]:
    ids = [int(x) for x in POSTING_LINK.findall(html)]
    _posting_ids.update(ids)
    return ids


_ready_users = 0


def _ready(user: FastHttpUser) -> None:
    """Count a simulated person as started (signed in when they sign in). Once everyone is, and
    after a warm-up (every worker has compiled every template), the statistics are reset: the
    figures describe steady browsing, not the deliberately slow Argon2 sign-ins."""
    global _ready_users
    _ready_users += 1
    runner = user.environment.runner
    if runner is not None and _ready_users == runner.target_user_count:
        def reset() -> None:
            user.environment.stats.reset_all()
            logging.getLogger(__name__).warning("%d users signed in, %.0f s warm-up over: statistics reset",
                                                _ready_users, WARM_UP)

        gevent.spawn_later(WARM_UP, reset)


class _Visitor(FastHttpUser):
    abstract = True
    wait_time = between(WAIT_MIN, WAIT_MAX)

    def on_start(self) -> None:
        _ready(self)

    def _get(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return ""
            return response.text or ""

    def browse_list(self) -> None:
        page = random.choice((1, 1, 1, 2, 3, 5))
        _remember_postings(self._get(f"/postings?page={page}", "/postings"))

    def filtered_list(self) -> None:
        params = [f"scheme={random.choice(SCHEMES)}"]
        if random.random() < 0.7:
            params.append(f"prefecture={random.choice(PREFECTURES)}")
        if random.random() < 0.3:
            params.append(f"sort={random.choice(SORTS)}")
        _remember_postings(self._get("/postings?" + "&".join(params), "/postings?filters"))

    def search(self) -> None:
        _remember_postings(self._get(f"/postings?q={random.choice(SEARCH_TERMS)}", "/postings?q"))

    def detail(self) -> None:
        if not _posting_ids:
            self.browse_list()
            return
        posting_id = random.choice(tuple(_posting_ids))
        self._get(f"/postings/{posting_id}", "/postings/[id]")

    def _post_redirect(self, path: str, form: dict[str, str] | str, name: str,
                       headers: dict[str, str] | None = None) -> str | None:
        """POST a form that answers with a redirect; the path it redirects to, or None (a failure)."""
        with self.client.post(path, data=form, name=name, allow_redirects=False, catch_response=True,
                              headers=headers) as response:
            location = urlparse(response.headers.get("Location", "") if response.headers else "").path
            if response.status_code not in (302, 303) or not location:
                response.failure(f"status {response.status_code}, no redirect")
                return None
            response.success()
            return location

    def _save_form(self, path: str, name: str, having: str, change: tuple[str, str] | None = None,
                   only_if: str | None = None) -> bool:
        """GET a form page and POST its form back as a browser would (optionally one field changed);
        nothing is sent when the page lacks ``only_if``."""
        page = self._get(path, name)
        if not page or (only_if is not None and only_if not in page):
            return False
        try:
            fields = form_fields(page, action=path, having=having)
        except LookupError:
            return False
        if change is not None:
            fields = replace(fields, *change)
        body = urlencode(fields)
        return self._post_redirect(path, body, name + " [POST]", headers=FORM) is not None

    def sign_in(self, email: str, code: bool = False) -> bool:
        """Sign in through the real forms (and the one-time code page when ``code``)."""
        page = self._get("/auth/login", "/auth/login")
        form = {"csrf_token": _csrf(page), "email": email, "password": DEMO_PASSWORD}
        location = self._post_redirect("/auth/login", form, "/auth/login [POST]")
        if location is None or location.startswith("/auth/login") != code:
            raise RuntimeError(f"sign-in of {email} went to {location!r}")
        if not code:
            return True
        page = self._get("/auth/login/code", "/auth/login/code")
        form = {"csrf_token": _csrf(page), "code": pyotp.TOTP(DEMO_TOTP_SECRET).now()}
        location = self._post_redirect("/auth/login/code", form, "/auth/login/code [POST]")
        if location is None or location.startswith("/auth/"):
            raise RuntimeError(f"one-time code of {email} refused (went to {location!r})")
        return True


class AnonymousVisitor(_Visitor):
    """Someone looking for a posting without an account."""

    weight = int(os.environ.get("LOAD_WEIGHT_ANONYMOUS", "6"))

    @task(4)
    def browse(self) -> None:
        self.browse_list()

    @task(3)
    def filters(self) -> None:
        self.filtered_list()

    @task(3)
    def keyword(self) -> None:
        self.search()

    @task(5)
    def posting(self) -> None:
        self.detail()


class Candidate(_Visitor):
    """A signed-in candidate checking the suggestions on their dashboard."""

    weight = int(os.environ.get("LOAD_WEIGHT_CANDIDATE", "3"))

    def on_start(self) -> None:
        number = (next(_candidate_numbers) - 1) % CANDIDATE_ACCOUNTS + 1
        self.sign_in(CANDIDATE_EMAIL.format(number))
        _ready(self)

    @task(20)
    def dashboard(self) -> None:
        html = self._get("/candidates/", "/candidates/")
        _remember_postings(html)
        self.schemes = sorted(set(SCHEME_LINK.findall(html))) or getattr(self, "schemes", [])

    @task(10)
    def posting(self) -> None:
        self.detail()

    @task(5)
    def browse(self) -> None:
        self.filtered_list()

    @task(WEIGHT_PROFILE_SAVE)
    def save_profile(self) -> None:
        """Edit the self-introduction and save the whole profile form."""
        page = self._get("/candidates/profile", "/candidates/profile")
        if not page:
            return
        fields = form_fields(page, action="/candidates/profile", having="self_intro")
        intro = dict(fields).get("self_intro", "")
        intro = intro[:-6] if intro.endswith(" 自治体DX") else intro + " 自治体DX"
        self._post_redirect("/candidates/profile", urlencode(replace(fields, "self_intro", intro)),
                            "/candidates/profile [POST]", headers=FORM)

    @task(WEIGHT_OPT_IN)
    def opt_in(self) -> None:
        """Save again the form of a scheme the person joined (as after changing a condition)."""
        linked = getattr(self, "schemes", [])
        if not linked:
            self.dashboard()
            return
        path = f"/candidates/schemes/{random.choice(linked)}"
        # Only a joined scheme's form is filled in (its page offers to leave); others are left alone.
        self._save_form(path, "/candidates/schemes/[code]", having="csrf_token", only_if=f'action="{path}/leave"')


class Coordinator(_Visitor):
    """A coordinator working through the review queue of their area."""

    weight = int(os.environ.get("LOAD_WEIGHT_COORDINATOR", "1"))

    def on_start(self) -> None:
        number = next(_coordinator_numbers)
        if number > COORDINATOR_ACCOUNTS:
            raise RuntimeError("more simulated coordinators than load-coordinator accounts: raise --coordinators")
        self.match_ids: list[int] = []
        self.own_postings: list[int] = []
        self.prefecture = PREFECTURES[(number - 1) % len(PREFECTURES)]  # as `flask seed scale` assigns them
        self.sign_in(COORDINATOR_EMAIL.format(number), code=True)
        _ready(self)

    @task(12)
    def queue(self) -> None:
        params = ["page=" + str(random.choice((1, 1, 2)))]
        if random.random() < 0.3:
            params.append(f"scheme={random.choice(SCHEMES)}")
        if random.random() < 0.2:
            params.append("min_score=" + random.choice(("50", "70")))
        html = self._get("/coordination/matches?" + "&".join(params), "/coordination/matches")
        found = [int(x) for x in MATCH_LINK.findall(html)]
        if found:
            self.match_ids = found

    @task(9)
    def match(self) -> None:
        if not self.match_ids:
            self.queue()
            return
        self._get(f"/coordination/matches/{random.choice(self.match_ids)}", "/coordination/matches/[id]")

    @task(WEIGHT_POSTING_EDIT)
    def edit_posting(self) -> None:
        """Edit a published posting of the coordinator's prefecture and save it (it stays published)."""
        if not self.own_postings:
            scheme = random.choice(SCHEMES)
            html = self._get(f"/postings?prefecture={self.prefecture}&scheme={scheme}", "/postings?filters")
            self.own_postings = [int(x) for x in POSTING_LINK.findall(html)]
            if not self.own_postings:
                return
        posting_id = random.choice(self.own_postings)
        self._save_form(f"/organisations/postings/{posting_id}/edit", "/organisations/postings/[id]/edit",
                        having="title")
