"""Digest emails: what is new for each user, gathered per period and written to the outbox once.

* ``periods`` — slots (08:00 JST daily, Monday 08:00 JST weekly, every few minutes for
  "immediate") and the period keys that make each digest unique per user.
* ``sections`` — the section functions per role and their registration point
  (``SECTION_MODULES``); one module per audience holds the built-in ones.
* ``builder`` — compose (no side effects), build for one user, build a whole period, preview.
* ``render`` — subject, text and HTML parts in the recipient's language.

The outbox sender (``marketplace.digests.outbox``) delivers what the builder wrote; the
scheduler (``marketplace.scheduler``) calls both.
"""
from marketplace.digests.builder import BuildReport, ComposedDigest, build_for_user, build_period, compose, preview
from marketplace.digests.periods import DAILY, FREQUENCIES, IMMEDIATE, WEEKLY, latest_slot, period_key

__all__ = [
    "BuildReport",
    "ComposedDigest",
    "DAILY",
    "FREQUENCIES",
    "IMMEDIATE",
    "WEEKLY",
    "build_for_user",
    "build_period",
    "compose",
    "latest_slot",
    "period_key",
    "preview",
]
