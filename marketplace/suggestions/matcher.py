"""The matcher process: owns the engines, drains the change log, writes Match rows.

Partitions
    Each scheme is a partition with an engine of its own. A matcher owns a partition under a
    lease (``matching_partitions``) that it renews every round; live matchers (heartbeats in
    ``matcher_nodes``) take an even share, so two matchers split the schemes and a third
    waits as a standby. Only a partition's owner writes suggestions of that scheme, and it
    writes them in a transaction that first re-checks that it is still the owner (and extends
    its leases) with one conditional UPDATE: a matcher whose lease ran out - paused, partitioned
    from the database - cannot commit over the work of the one that took the partition over. A
    lease that ran out while its owner was busy fitting another scheme, with nobody taking it
    meanwhile, is simply extended: the owner's engine is still right. The UPDATE also
    locks the partition row until commit, so on PostgreSQL a take-over waits for (or skips)
    an owner in the middle of a write.

Changes
    Queued ``matching_changes`` of an owned partition are claimed with a claim token and a
    lease (select-then-update; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, as in the outbox),
    applied to the engine from the database's *current* state (so applying a change twice is
    harmless), and deleted in the same transaction that writes their Match rows. Killed
    mid-batch, a matcher loses nothing: the rows are still there, their claims expire with the
    lease, and whoever owns the partition next claims them again. Match rows are keyed by
    (posting, seeker), so a second application updates the rows of the first instead of adding
    any. Taking a partition over also frees the previous owner's change claims at once.

Refits
    Every ``MATCHER_REFIT_SECONDS`` a partition's engine is fitted again from the database in a
    thread, while the old engine keeps applying changes; those changes are replayed into the new
    engine, which is then swapped in whole. A queued ``rebuild`` change (the scheduler's daily one)
    refits at once and stores every need's suggestions of the scheme.
"""
from __future__ import annotations

import logging
import math
import os
import secrets
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app

from marketplace.extensions import db
from marketplace.models import (
    ChangeKind, MatcherNode, MatchingChange, MatchingPartition, Posting, utcnow,
)
from marketplace.schemes.registry import SCHEMES
from marketplace.suggestions import near_misses, bridge as suggestions

if TYPE_CHECKING:
    from marketplace.matching import Engine

logger = logging.getLogger(__name__)


def _insert() -> Any:
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    return insert


@dataclass(frozen=True)
class Claimed:
    """A claimed change (plain values: the row itself is deleted once applied)."""

    id: int
    kind: str
    ref_id: int | None


@dataclass
class _Refit:
    """A refit running in a thread while the old engine keeps serving."""

    thread: threading.Thread
    started: datetime
    engine: Engine | None = None
    error: BaseException | None = None
    replay: set[tuple[str, int | None]] = field(default_factory=set)  # applied since it started


class LostPartition(Exception):
    """This matcher no longer owns the partition it was writing: its work is dropped."""


@dataclass
class Report:
    """What one round did."""

    changes: int = 0
    batches: int = 0
    lost: int = 0
    refits: int = 0
    partitions: list[str] = field(default_factory=list)


class Matcher:
    """One matcher process's state: its name, its engines, its leases."""

    def __init__(self, name: str | None = None, *, lease_seconds: float = 30, batch_size: int = 200,
                 refit_seconds: float = 3600, schemes: list[str] | None = None,
                 after_claim: Callable[[list[int]], None] | None = None, greedy: bool = False) -> None:
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.lease = timedelta(seconds=lease_seconds)
        self.batch_size = batch_size
        self.refit = timedelta(seconds=refit_seconds)
        self.schemes = list(schemes) if schemes else list(SCHEMES)
        self.engines: dict[str, Engine | None] = {}
        self.fitted_at: dict[str, datetime] = {}
        self._refits: dict[str, _Refit] = {}
        self.greedy = greedy  # take every free partition (a one-off drain), not an even share
        self.after_claim = after_claim  # a test hook: called with the claimed ids before applying them

    @classmethod
    def from_config(cls, config: Any, **overrides: Any) -> Matcher:
        schemes = [s.strip() for s in (config.get("MATCHER_SCHEMES") or "").split(",") if s.strip()]
        options = dict(name=config.get("MATCHER_NAME") or None, lease_seconds=float(config["MATCHER_LEASE_SECONDS"]),
                       batch_size=int(config["MATCHER_BATCH_SIZE"]), refit_seconds=float(config["MATCHER_REFIT_SECONDS"]),
                       schemes=schemes or None)
        options.update(overrides)
        return cls(**options)

    # --- partitions -----------------------------------------------------------------------
    def _heartbeat(self, now: datetime) -> None:
        insert = _insert()
        stmt = insert(MatcherNode.__table__).values(name=self.name, seen_until=now + self.lease, started_at=now)
        db.session.execute(stmt.on_conflict_do_update(index_elements=["name"],
                                                      set_={"seen_until": stmt.excluded.seen_until}))
        stmt = insert(MatchingPartition.__table__).values([{"scheme": s} for s in self.schemes])
        db.session.execute(stmt.on_conflict_do_nothing(index_elements=["scheme"]))
        db.session.execute(sa.delete(MatcherNode).where(MatcherNode.seen_until < now - 10 * self.lease))
        db.session.commit()

    def _owned(self, now: datetime) -> list[str]:
        return sorted(db.session.scalars(sa.select(MatchingPartition.scheme).where(
            MatchingPartition.owner == self.name, MatchingPartition.scheme.in_(self.schemes))))

    def balance(self, now: datetime | None = None) -> list[str]:
        """Renew this matcher's partitions, give back those over its share, take free ones."""
        now = now or utcnow()
        self._heartbeat(now)
        self._renew_all(now)
        db.session.commit()
        owned = self._owned(now)
        for scheme in list(self.engines):
            if scheme not in owned:  # lost while we were away: someone else has applied changes since
                self._forget(scheme)
        live = db.session.scalar(sa.select(sa.func.count()).select_from(MatcherNode).where(
            MatcherNode.seen_until >= now)) or 1
        share = len(self.schemes) if self.greedy else math.ceil(len(self.schemes) / max(live, 1))
        if len(owned) > share:
            for scheme in owned[share:]:
                db.session.execute(sa.update(MatchingPartition).where(
                    MatchingPartition.scheme == scheme, MatchingPartition.owner == self.name)
                    .values(owner=None, lease_until=None).execution_options(synchronize_session=False))
                self._forget(scheme)
                logger.info("matcher %s gave back %s", self.name, scheme, extra={"event": "matcher.release"})
            db.session.commit()
            owned = owned[:share]
        elif len(owned) < share:
            owned += self._take(now, share - len(owned))
        return sorted(owned)

    def _take(self, now: datetime, wanted: int) -> list[str]:
        free = sa.or_(MatchingPartition.owner.is_(None), MatchingPartition.lease_until.is_(None),
                      MatchingPartition.lease_until < now)
        candidates = list(db.session.scalars(sa.select(MatchingPartition.scheme).where(
            free, MatchingPartition.scheme.in_(self.schemes)).order_by(MatchingPartition.scheme)
            .limit(wanted).with_for_update(skip_locked=True)))
        taken: list[str] = []
        for scheme in candidates:
            result = db.session.execute(sa.update(MatchingPartition).where(MatchingPartition.scheme == scheme, free)
                                        .values(owner=self.name, lease_until=now + self.lease)
                                        .execution_options(synchronize_session=False))
            if result.rowcount == 1:
                # The previous owner cannot commit any more: its claimed changes are free at once.
                db.session.execute(sa.update(MatchingChange).where(
                    MatchingChange.scheme == scheme, MatchingChange.claim_token.is_not(None))
                    .values(claim_token=None, claimed_by=None, lease_until=None)
                    .execution_options(synchronize_session=False))
                taken.append(scheme)
        db.session.commit()
        for scheme in taken:
            self._forget(scheme)  # refitted below, from what is committed now
            logger.info("matcher %s took %s", self.name, scheme, extra={"event": "matcher.take"})
        return taken

    def _forget(self, scheme: str) -> None:
        self.engines.pop(scheme, None)
        self.fitted_at.pop(scheme, None)
        self._refits.pop(scheme, None)  # a refit still running is dropped when it ends

    def release_all(self) -> None:
        """Give every partition back (a clean stop): another matcher takes over without waiting."""
        db.session.rollback()
        db.session.execute(sa.update(MatchingPartition).where(MatchingPartition.owner == self.name)
                           .values(owner=None, lease_until=None).execution_options(synchronize_session=False))
        db.session.execute(sa.update(MatchingChange).where(MatchingChange.claimed_by == self.name)
                           .values(claim_token=None, claimed_by=None, lease_until=None)
                           .execution_options(synchronize_session=False))
        db.session.execute(sa.delete(MatcherNode).where(MatcherNode.name == self.name))
        db.session.commit()
        self.engines.clear()
        self.fitted_at.clear()
        self._refits.clear()

    def _hold(self, scheme: str) -> None:
        """First statement of every write transaction: still the owner? (extends the lease, locks the row)."""
        now = utcnow()
        result = db.session.execute(sa.update(MatchingPartition).where(
            MatchingPartition.scheme == scheme, MatchingPartition.owner == self.name)
            .values(lease_until=now + self.lease).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise LostPartition(scheme)
        self._renew_all(now)  # the others wait while this one works: keep them too

    def _renew_all(self, now: datetime) -> None:
        """Extend every partition this matcher still owns, and its claims in them.

        Ownership is the ``owner`` column; the lease only tells the others when they may take a
        partition over. A partition whose lease ran out while this matcher was busy elsewhere (its
        fits add up past the lease at scale) and that nobody took meanwhile is still this matcher's,
        and its engine is still right: only an owner applies changes, and a take-over changes the
        owner, which every write re-checks (``_hold``)."""
        for statement in self._renewals(now):
            db.session.execute(statement.execution_options(synchronize_session=False))

    def _renewals(self, now: datetime) -> list[sa.Update]:
        """The UPDATEs that extend this matcher's partitions and its claims in them."""
        return [
            sa.update(MatchingPartition).where(MatchingPartition.owner == self.name)
            .values(lease_until=now + self.lease),
            sa.update(MatchingChange).where(
                MatchingChange.claimed_by == self.name, MatchingChange.claim_token.is_not(None),
                MatchingChange.scheme.in_(sa.select(MatchingPartition.scheme).where(
                    MatchingPartition.owner == self.name).scalar_subquery()))
            .values(lease_until=now + self.lease),
        ]

    def _renew_after_fit(self, scheme: str) -> None:
        """A fit may outlast the lease: extend this matcher's partitions and claims again (those
        another matcher took meanwhile stay taken). Records when the partition's engine was fitted
        (``matching_partitions.fitted_at``, for operators and benchmarks)."""
        now = utcnow()
        db.session.execute(sa.update(MatchingPartition).where(
            MatchingPartition.scheme == scheme, MatchingPartition.owner == self.name)
            .values(fitted_at=now).execution_options(synchronize_session=False))
        self._renew_all(now)
        db.session.commit()

    @contextmanager
    def _kept_alive(self) -> Iterator[None]:
        """While a fit runs (a minute or more per scheme at 100k candidates), a thread renews this
        matcher's heartbeat, leases and claims every third of the lease on a connection of its own,
        so that another matcher does not take over partitions of one that is working, not dead.
        The thread dies with the process: a killed matcher's leases still run out. (An in-memory
        SQLite database has one shared connection and no other process: nothing to keep.)"""
        engine = db.engine
        if self._shares_one_connection():
            yield
            return
        stop = threading.Event()
        interval = max(self.lease.total_seconds() / 3, 0.05)

        def beat() -> None:
            while not stop.wait(interval):
                now = utcnow()
                try:
                    with engine.begin() as connection:
                        connection.execute(sa.update(MatcherNode).where(MatcherNode.name == self.name)
                                           .values(seen_until=now + self.lease))
                        for statement in self._renewals(now):
                            connection.execute(statement)
                except Exception:  # the next beat tries again; the lease is the safety net
                    logger.warning("matcher %s could not renew its leases", self.name, exc_info=True,
                                   extra={"event": "matcher.keepalive_failed"})

        thread = threading.Thread(target=beat, name=f"matcher-keepalive-{self.name}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    # --- engines --------------------------------------------------------------------------
    def _shares_one_connection(self) -> bool:
        engine = db.engine
        return engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")

    def engine(self, scheme: str, now: datetime | None = None) -> Engine | None:
        """The partition's engine, fitted on first use and again once it is older than the refit period.

        A scheduled refit of a partition that has an engine runs in a thread (a minute per scheme at
        100k candidates) while the old engine keeps serving; the changes applied meanwhile are
        replayed into the new engine from the database before it is swapped in whole."""
        now = now or utcnow()
        fitted = self.fitted_at.get(scheme)
        if scheme in self._refits:
            self._swap_if_refitted(scheme)
            return self.engines.get(scheme)
        if (fitted is not None and now - fitted >= self.refit and self.engines.get(scheme) is not None
                and not self._shares_one_connection()):
            self._start_refit(scheme, now)
            return self.engines.get(scheme)
        if fitted is None or now - fitted >= self.refit:
            started = time.perf_counter()
            with self._kept_alive():
                engine = suggestions.fit_scheme(scheme)
            db.session.commit()  # end the read transaction: later claims must see later commits
            self.engines[scheme], self.fitted_at[scheme] = engine, now
            self._renew_after_fit(scheme)
            logger.info("matcher %s fitted %s in %.1f s", self.name, scheme, time.perf_counter() - started,
                        extra={"event": "matcher.fit"})
        return self.engines.get(scheme)

    def _start_refit(self, scheme: str, now: datetime) -> None:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        refit: _Refit

        def fit() -> None:
            started = time.perf_counter()
            with app.app_context():
                try:
                    refit.engine = suggestions.fit_scheme(scheme)
                except BaseException as error:  # reported by the loop, which keeps the old engine
                    refit.error = error
                finally:
                    db.session.remove()
            logger.info("matcher %s refitted %s in %.1f s (in the background)", self.name, scheme,
                        time.perf_counter() - started, extra={"event": "matcher.fit"})

        refit = _Refit(threading.Thread(target=fit, name=f"matcher-refit-{scheme}", daemon=True), now)
        self._refits[scheme] = refit
        refit.thread.start()

    def _swap_if_refitted(self, scheme: str) -> None:
        refit = self._refits[scheme]
        if refit.thread.is_alive():
            return
        del self._refits[scheme]
        if refit.error is not None:
            logger.error("matcher %s could not refit %s: %r; the old engine stays", self.name, scheme,
                         refit.error, extra={"event": "matcher.refit_failed"})
            self.fitted_at[scheme] = utcnow()  # try again after another refit period
            return
        if refit.engine is not None and refit.replay:
            self._update_engine(refit.engine, scheme, refit.replay)
        db.session.commit()
        self.engines[scheme], self.fitted_at[scheme] = refit.engine, refit.started
        self._renew_after_fit(scheme)

    def _update_engine(self, engine: Engine, scheme: str, kinds: set[tuple[str, int | None]]) -> None:
        """Bring the engine's records of these changes up to the database's current rows."""
        profile_ids = sorted({ref for kind, ref in kinds if kind == ChangeKind.PROFILE and ref is not None})
        posting_ids = sorted({ref for kind, ref in kinds if kind == ChangeKind.POSTING and ref is not None})
        profiles = suggestions.profiles_by_id(profile_ids)
        for profile_id in profile_ids:
            suggestions.apply_profile(engine, scheme, profile_id, profiles.get(profile_id))
        postings = {p.id: p for p in db.session.scalars(sa.select(Posting).where(Posting.id.in_(posting_ids)))}
        for posting_id in posting_ids:
            posting = postings.get(posting_id)
            if posting is None:
                engine.remove_posting(f"p{posting_id}")
                engine.remove_seeker(f"s{posting_id}")
            else:
                suggestions.apply_posting(engine, posting)

    # --- changes --------------------------------------------------------------------------
    def _claimable(self, scheme: str, now: datetime) -> sa.ColumnElement[bool]:
        return sa.and_(MatchingChange.scheme == scheme, sa.or_(
            MatchingChange.claim_token.is_(None), MatchingChange.lease_until < now))

    def claim(self, scheme: str, now: datetime | None = None) -> tuple[str, list[Claimed]]:
        now = now or utcnow()
        token = secrets.token_hex(16)
        db.session.commit()
        due = list(db.session.scalars(sa.select(MatchingChange.id).where(self._claimable(scheme, now))
                                      .order_by(MatchingChange.id).limit(self.batch_size)
                                      .with_for_update(skip_locked=True)))
        if not due:
            db.session.commit()
            return token, []
        db.session.execute(sa.update(MatchingChange).where(MatchingChange.id.in_(due), self._claimable(scheme, now))
                           .values(claim_token=token, claimed_by=self.name, lease_until=now + self.lease,
                                   attempts=MatchingChange.attempts + 1)
                           .execution_options(synchronize_session=False))
        db.session.commit()
        rows = [Claimed(*row) for row in db.session.execute(
            sa.select(MatchingChange.id, MatchingChange.kind, MatchingChange.ref_id)
            .where(MatchingChange.claim_token == token).order_by(MatchingChange.id))]
        return token, rows

    def apply(self, scheme: str, token: str, rows: list[Claimed]) -> int:
        """Apply claimed changes and write their suggestions in one transaction; returns how many."""
        ids = [r.id for r in rows]
        kinds = {(r.kind, r.ref_id) for r in rows}
        if self.after_claim is not None:
            self.after_claim(ids)
        rebuild = any(kind == ChangeKind.REBUILD for kind, _ref in kinds)
        # No engine yet (or one side was empty at the last fit): fitting now reads every change.
        fresh = rebuild or self.engines.get(scheme) is None
        if fresh:
            self.fitted_at.pop(scheme, None)
            self._refits.pop(scheme, None)  # a rebuild fits now, from what is committed now
        engine = self.engine(scheme)  # fits (and commits) before the write transaction begins
        try:
            self._hold(scheme)
            if rebuild:
                suggestions.rebuild_scheme(scheme, engine)
            else:
                self._apply_changes(scheme, engine, fresh, kinds)
            done = db.session.execute(sa.delete(MatchingChange).where(
                MatchingChange.id.in_(ids), MatchingChange.claim_token == token)
                .execution_options(synchronize_session=False)).rowcount
            db.session.commit()
            if scheme in self._refits:  # the engine being fitted may not have seen these rows yet
                self._refits[scheme].replay |= kinds
        except LostPartition:
            db.session.rollback()
            self._forget(scheme)
            logger.warning("matcher %s lost %s mid-batch", self.name, scheme, extra={"event": "matcher.lost"})
            raise
        except Exception:
            db.session.rollback()
            self._forget(scheme)  # the engine may hold half of the batch: refit from the database
            db.session.execute(sa.update(MatchingChange).where(MatchingChange.claim_token == token)
                               .values(claim_token=None, claimed_by=None, lease_until=None)
                               .execution_options(synchronize_session=False))
            db.session.commit()
            raise
        return done or 0

    def _apply_changes(self, scheme: str, engine: Engine | None, fresh: bool,
                       kinds: set[tuple[str, int | None]]) -> None:
        """Update the engine from the current rows (unless it was fitted on them just now), then store."""
        profile_ids = sorted({ref for kind, ref in kinds if kind == ChangeKind.PROFILE and ref is not None})
        posting_ids = sorted({ref for kind, ref in kinds if kind == ChangeKind.POSTING and ref is not None})
        profiles = suggestions.profiles_by_id(profile_ids)
        postings = {p.id: p for p in db.session.scalars(sa.select(Posting).where(Posting.id.in_(posting_ids)))}
        seekers: list[tuple[str, str | None]] = []  # (Match.seeker_ref, engine seeker id or None when gone)
        needs: list[Posting] = []
        for profile_id in profile_ids:
            profile = profiles.get(profile_id)
            if engine is not None and not fresh:
                seeker_id = suggestions.apply_profile(engine, scheme, profile_id, profile)
            else:
                present = (engine is not None and profile is not None and suggestions.in_matching(profile)
                           and profile.opt_in(scheme) is not None)
                seeker_id = f"c{profile_id}:{scheme}" if present else None
            seekers.append((f"c{profile_id}", seeker_id))
        for posting_id in posting_ids:
            posting = postings.get(posting_id)
            if posting is None:  # deleted with its organisation: its rows went with it
                if engine is not None:
                    engine.remove_posting(f"p{posting_id}")
                    engine.remove_seeker(f"s{posting_id}")
                continue
            if engine is not None and not fresh:
                engine_id = suggestions.apply_posting(engine, posting)
            else:
                engine_id = suggestions.engine_id(posting) if engine is not None else None
            if suggestions._is_offer(posting):
                seekers.append((f"s{posting.id}", engine_id))
            else:
                needs.append(posting)
        refs: list[str] = []
        # Every seeker and need of the batch is in the engine before any top-k is computed.
        for posting in needs:
            suggestions.store_for_posting(engine, posting)
            near_misses.refresh_for_posting(engine, posting.id, suggestions.engine_id(posting))
            refs.append(f"p{posting.id}")
        for ref, seeker_id in seekers:
            if seeker_id is None:
                suggestions.erase_seeker(ref, scheme)
            else:
                suggestions.store_for_seeker(engine, seeker_id, scheme)
            refs.append(ref)
        near_misses.store_near_misses_for_seekers(engine, [s for _ref, s in seekers if s is not None])
        suggestions.touch(refs)

    # --- rounds ---------------------------------------------------------------------------
    def step(self) -> Report:
        """One round: balance the partitions, then one batch of each owned partition."""
        report = Report(partitions=self.balance())
        for scheme in report.partitions:
            try:
                self._hold(scheme)  # renew before each partition's work: a long fit elsewhere must not expire it
                db.session.commit()
            except LostPartition:
                db.session.rollback()
                self._forget(scheme)
                report.lost += 1
                continue
            if scheme in self._refits:
                self._swap_if_refitted(scheme)  # a background refit that has ended is swapped in
            elif scheme not in self.fitted_at or utcnow() - self.fitted_at[scheme] >= self.refit:
                self.engine(scheme)
                report.refits += 1
            token, rows = self.claim(scheme)
            if not rows:
                continue
            try:
                report.changes += self.apply(scheme, token, rows)
                report.batches += 1
            except LostPartition:
                report.lost += 1
        return report

    def drain(self, max_rounds: int = 10_000) -> int:
        """Rounds until nothing of this matcher's partitions is left to claim; returns changes applied."""
        total = 0
        for _ in range(max_rounds):
            report = self.step()
            total += report.changes
            if report.changes == 0 and not self._pending(report.partitions):
                return total
        return total

    def _pending(self, schemes: list[str]) -> bool:
        if not schemes:
            return False
        return db.session.scalar(sa.select(sa.exists().where(
            MatchingChange.scheme.in_(schemes), sa.or_(MatchingChange.claim_token.is_(None),
                                                      MatchingChange.lease_until < utcnow())))) or False

    def run(self, poll_seconds: float = 0.5, stop: threading.Event | None = None) -> None:
        """Loop until ``stop`` is set or SIGTERM/SIGINT arrives; gives its partitions back on a clean stop."""
        stop = stop or threading.Event()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_a: stop.set())
        logger.info("matcher %s started (schemes %s)", self.name, ",".join(self.schemes),
                    extra={"event": "matcher.start"})
        try:
            while not stop.is_set():
                try:
                    report = self.step()
                except Exception:  # keep serving: a broken batch was released and is retried
                    logger.exception("matcher round failed", extra={"event": "matcher.error"})
                    db.session.rollback()
                    stop.wait(poll_seconds)
                    continue
                if report.changes == 0:
                    stop.wait(poll_seconds)
        finally:
            try:
                self.release_all()
            except Exception:  # pragma: no cover - the database went away; leases expire anyway
                logger.exception("matcher could not release its partitions")
        logger.info("matcher %s stopped", self.name, extra={"event": "matcher.stop"})


def drain_all(**options: Any) -> int:
    """Drain the whole queue in this process (tests, ``flask match drain``): owns every partition."""
    options.setdefault("greedy", True)
    matcher = Matcher(name=options.pop("name", None) or f"drain:{os.getpid()}:{secrets.token_hex(3)}", **options)
    try:
        return matcher.drain()
    finally:
        matcher.release_all()
