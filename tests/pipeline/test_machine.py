"""The state machine: every allowed transition passes, every other pair is refused."""
from __future__ import annotations

import itertools

import pytest

from marketplace.matches import machine
from marketplace.matches.machine import Actor, TransitionRefused

ALLOWED = {(t.source, t.target): t for t in machine.TRANSITIONS}
OUTCOMES = ("hired", "contracted", "succeeded", "adopted", "not_agreed", "withdrawn", "declined")


def _valid_outcome(target: str) -> str | None:
    return {"agreed": "hired", "closed": "withdrawn"}.get(target)


@pytest.mark.parametrize(("source", "target"), list(itertools.product(machine.STATUSES, machine.STATUSES)))
@pytest.mark.parametrize("actor", list(Actor))
@pytest.mark.parametrize("has_trial", [True, False])
def test_every_pair_is_allowed_exactly_when_declared(source, target, actor, has_trial):
    transition = ALLOWED.get((source, target))
    expected = (transition is not None and actor in transition.actors and (has_trial or not transition.needs_trial))
    try:
        machine.check(source, target, actor, has_trial=has_trial, outcome=_valid_outcome(target),
                      scheme_outcomes=("hired", "not_agreed", "withdrawn"))
    except TransitionRefused:
        allowed = False
    else:
        allowed = True
    assert allowed is expected


def test_trial_only_for_schemes_with_a_trial_stage():
    assert "trial" in machine.allowed_targets("in_talks", Actor.COORDINATOR, has_trial=True)
    assert "trial" not in machine.allowed_targets("in_talks", Actor.COORDINATOR, has_trial=False)


@pytest.mark.parametrize("outcome", OUTCOMES + (None, "bogus"))
def test_agreed_needs_a_success_outcome_the_scheme_declares(outcome):
    scheme_outcomes = ("succeeded", "not_agreed", "withdrawn")
    ok = outcome == "succeeded"
    try:
        machine.check("in_talks", "agreed", Actor.COORDINATOR, has_trial=True, outcome=outcome,
                      scheme_outcomes=scheme_outcomes)
    except TransitionRefused as refused:
        assert not ok and refused.code == "outcome_required"
    else:
        assert ok


@pytest.mark.parametrize("outcome", OUTCOMES + (None,))
def test_closed_needs_a_failure_outcome(outcome):
    ok = outcome in machine.FAILURE_OUTCOMES
    try:
        machine.check("in_talks", "closed", Actor.COORDINATOR, has_trial=False, outcome=outcome)
    except TransitionRefused:
        assert not ok
    else:
        assert ok


def test_participants_never_see_internal_stages():
    for status in machine.STATUSES:
        visible = machine.participant_status(status)
        assert (visible is None) is (status in machine.INTERNAL_STATUSES)


def test_terminal_statuses_have_no_way_out():
    for status in machine.TERMINAL_STATUSES:
        for actor in Actor:
            assert machine.allowed_targets(status, actor, has_trial=True) == ()
