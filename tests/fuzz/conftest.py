"""Fixtures of the bad-input suite: one app and world template per run, the crawled catalogue of
targets, Hypothesis profiles, and the count of distinct hostile inputs checked at the end.

Profiles (``HYPOTHESIS_PROFILE``): ``ci`` (default) — few examples per target, fixed seeds, no
example database, so every CI run sends the same inputs; ``deep`` — ten times more, random seeds.
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.conftest import TEST_DATABASE_URL, make_config
from tests.fuzz import tally
from tests.fuzz.catalogue import Catalogue, crawl
from tests.fuzz.harness import Harness, make_harness
from tests.fuzz.world import FuzzWorld

_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
           HealthCheck.filter_too_much, HealthCheck.large_base_example]
settings.register_profile("fuzz-ci", max_examples=12, derandomize=True, database=None, deadline=None,
                          suppress_health_check=_HEALTH, print_blob=True)
settings.register_profile("fuzz-deep", max_examples=120, deadline=None, suppress_health_check=_HEALTH,
                          print_blob=True)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
DEEP = PROFILE == "deep"
FUZZ_SETTINGS = settings.get_profile("fuzz-deep" if DEEP else "fuzz-ci")


def examples(ci: int) -> int:
    """Examples for one target: ``ci`` in the default profile, ten times more in ``deep``."""
    return ci * 10 if DEEP else ci


@pytest.fixture(scope="session")
def harness(smtp_server, _pg_schema) -> Harness:
    controller, _inbox = smtp_server
    # Rate limits would answer 429 before the forms see the input; they have their own tests.
    config = make_config(controller.port, RATELIMIT_ENABLED=False)
    return make_harness(config, postgres=bool(TEST_DATABASE_URL))


@pytest.fixture(scope="session")
def catalogue(harness) -> Catalogue:
    return crawl(harness)


@pytest.fixture
def world(harness) -> FuzzWorld:
    """A fresh copy of the world for this test."""
    return harness.restore()


# --- the distinct-input count -------------------------------------------------------------
_FUZZ_DIR = os.path.dirname(__file__)
_state = {"collected": 0, "ran": 0, "worker_digests": set(), "workers_collected": 0}


def _is_fuzz(nodeid_or_path: str) -> bool:
    return nodeid_or_path.replace("\\", "/").startswith("tests/fuzz/")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items) -> None:
    """Before ``-k``/``-m`` deselect anything: the minimum applies only to a run of the whole suite."""
    fuzz = [item for item in items if _is_fuzz(item.nodeid)]
    modules = {item.nodeid.split("::")[0].rsplit("/", 1)[-1] for item in fuzz}
    every_module = {name for name in os.listdir(_FUZZ_DIR) if name.startswith("test_") and name.endswith(".py")}
    _state["collected"] = len(fuzz) if modules >= every_module else 0


def pytest_runtest_logreport(report) -> None:
    if report.when == "call" and _is_fuzz(report.nodeid):
        _state["ran"] += 1


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # pytest-xdist: gather what each worker sent
    output = getattr(node, "workeroutput", {})
    _state["worker_digests"] |= {bytes.fromhex(d) for d in output.get("fuzz_digests", [])}
    _state["workers_collected"] = max(_state["workers_collected"], output.get("fuzz_collected", 0))


def pytest_sessionfinish(session, exitstatus) -> None:
    config = session.config
    if hasattr(config, "workeroutput"):  # an xdist worker: the controller judges
        config.workeroutput["fuzz_digests"] = [d.hex() for d in tally.digests()]
        config.workeroutput["fuzz_collected"] = _state["collected"]
        return
    distinct = len(tally.digests() | _state["worker_digests"])
    collected = _state["collected"] or _state["workers_collected"]
    _state["distinct"] = distinct
    complete = bool(collected) and _state["ran"] >= collected
    if complete and distinct < tally.MINIMUM_DISTINCT_INPUTS and session.exitstatus == 0:
        _state["too_few"] = True
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter) -> None:
    if "distinct" not in _state or not _state["ran"]:
        return
    line = (f"bad-input fuzzing: {_state['distinct']} distinct hostile inputs "
            f"(minimum {tally.MINIMUM_DISTINCT_INPUTS}, profile {PROFILE})")
    if _state.get("too_few"):
        terminalreporter.write_line(f"FAILED {line}", red=True)
    else:
        terminalreporter.write_line(line)
