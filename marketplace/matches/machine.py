"""The one state machine every match follows, as data (pure Python: no Flask, no database).

suggested → approved (introduction requested) → introduced (both sides accepted) → in_talks →
trial (schemes with a trial stage) → agreed, or closed with an outcome at any open stage.
Coordinators review (approve / reject / hold) and move matches along; participants answer the
introduction request; the system records the result of both answers.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Actor(StrEnum):
    """Who may fire a transition."""

    COORDINATOR = "coordinator"
    PARTICIPANT = "participant"
    SYSTEM = "system"


#: Every status a match can hold, in pipeline order.
STATUSES = ("suggested", "on_hold", "rejected", "approved", "introduced", "in_talks", "trial", "agreed", "closed")

#: Stages only coordinators see; participants never learn of a match in these.
INTERNAL_STATUSES = frozenset({"suggested", "on_hold", "rejected"})

#: Statuses in which nothing more happens (``agreed`` may still be closed if it ends early).
TERMINAL_STATUSES = frozenset({"rejected", "closed"})

#: Open matches after the review: they carry a next step with a due date.
ACTIVE_STATUSES = ("approved", "introduced", "in_talks", "trial")

#: Outcomes that mean success, per scheme declaration; the others close a match.
SUCCESS_OUTCOMES = frozenset({"hired", "contracted", "succeeded", "adopted"})
FAILURE_OUTCOMES = ("not_agreed", "withdrawn", "declined")

#: Reasons a coordinator gives when rejecting a suggestion.
REJECT_REASONS = ("not_eligible", "rules_not_met", "skills_mismatch", "location_mismatch",
                  "conditions_mismatch", "duplicate", "other")

#: How an adopted startup solution is procured after a trial.
ADOPTION_ROUTES = ("competitive_tender", "proposal", "negotiated_contract")

#: An accelerator's appointment status: the prefecture recommends, the ministry appoints.
APPOINTMENT_STATUSES = ("recommended", "appointed")

#: Months after agreement at which a follow-up check-in is due.
FOLLOW_UP_MONTHS = (3, 6, 12)


@dataclass(frozen=True, slots=True)
class Transition:
    source: str
    target: str
    actors: frozenset[Actor]
    needs_trial: bool = False  # only for schemes that declare a trial stage


_C, _P, _S = Actor.COORDINATOR, Actor.PARTICIPANT, Actor.SYSTEM

TRANSITIONS: tuple[Transition, ...] = (
    Transition("suggested", "approved", frozenset({_C})),
    Transition("suggested", "rejected", frozenset({_C})),
    Transition("suggested", "on_hold", frozenset({_C})),
    Transition("on_hold", "approved", frozenset({_C})),
    Transition("on_hold", "rejected", frozenset({_C})),
    Transition("on_hold", "suggested", frozenset({_C})),
    Transition("approved", "introduced", frozenset({_S})),
    Transition("approved", "closed", frozenset({_C, _S})),
    Transition("introduced", "in_talks", frozenset({_C})),
    Transition("introduced", "closed", frozenset({_C})),
    Transition("in_talks", "trial", frozenset({_C}), needs_trial=True),
    Transition("in_talks", "agreed", frozenset({_C})),
    Transition("in_talks", "closed", frozenset({_C})),
    Transition("trial", "agreed", frozenset({_C})),
    Transition("trial", "closed", frozenset({_C})),
    Transition("agreed", "closed", frozenset({_C})),
)

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


class TransitionRefused(ValueError):
    """The machine does not allow this move; ``code`` says why (for a translated message)."""

    def __init__(self, code: str, source: str, target: str) -> None:
        super().__init__(f"{code}: {source} -> {target}")
        self.code, self.source, self.target = code, source, target


def allowed_targets(source: str, actor: Actor, *, has_trial: bool) -> tuple[str, ...]:
    """The statuses ``actor`` may move a match to from ``source``, in pipeline order."""
    return tuple(t.target for t in TRANSITIONS
                 if t.source == source and actor in t.actors and (has_trial or not t.needs_trial))


def check(source: str, target: str, actor: Actor, *, has_trial: bool, outcome: str | None = None,
          scheme_outcomes: tuple[str, ...] = ()) -> None:
    """Raise ``TransitionRefused`` unless ``actor`` may move a match from ``source`` to ``target``.

    ``agreed`` needs a success outcome the scheme declares; ``closed`` needs a failure outcome
    (from ``agreed``: an agreement that ended early is ``withdrawn``).
    """
    transition = _BY_PAIR.get((source, target))
    if transition is None or (transition.needs_trial and not has_trial):
        raise TransitionRefused("not_allowed", source, target)
    if actor not in transition.actors:
        raise TransitionRefused("wrong_actor", source, target)
    if target == "agreed" and (outcome not in SUCCESS_OUTCOMES or outcome not in scheme_outcomes):
        raise TransitionRefused("outcome_required", source, target)
    if target == "closed" and outcome not in FAILURE_OUTCOMES:
        raise TransitionRefused("outcome_required", source, target)


def participant_status(status: str) -> str | None:
    """What a participant sees: nothing for internal stages, otherwise the stage itself."""
    return None if status in INTERNAL_STATUSES else status


def success_outcomes(scheme_outcomes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(o for o in scheme_outcomes if o in SUCCESS_OUTCOMES)
