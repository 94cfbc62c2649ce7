"""Bounded load test: fresh database, scaled demo data, gunicorn, headless locust, a table of figures.

Run by ``make load`` (SQLite) and ``make load-pg`` (PostgreSQL). Steps:

1. a throw-away database: a SQLite file in a temporary folder, or a PostgreSQL database
   ``load_<random>`` created on the server of ``LOAD_PG_URL`` and dropped at the end;
2. ``flask db upgrade``, ``seed reference``, ``seed demo``, ``seed scale``, ``match refresh``,
   ``seed pipeline`` and ``ANALYZE`` (each step timed);
3. a matcher (``flask match worker``) that applies the changes the writes queue, and gunicorn
   with several sync workers on a free port of 127.0.0.1, login limits raised (a load test signs
   dozens of people in from one address);
4. locust, headless, for a bounded time (``tests/load/locustfile.py``); statistics are reset once
   every simulated user has signed in (see the locustfile), so the deliberately slow Argon2
   sign-ins do not weigh on the browsing figures;
5. a table of requests per second, p50 and p95 per page and overall, and the matching changes
   still queued at the end; exit status 1 when any request failed or the locustfile raised, 0
   otherwise (the p95 target is reported, not enforced).

Only 127.0.0.1 is ever contacted. Everything started is stopped, and the database removed, also on
failure or Ctrl-C.
"""
from __future__ import annotations

import argparse
import csv
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack, closing
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCUSTFILE = ROOT / "tests" / "load" / "locustfile.py"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=env("LOAD_PG_URL", DEFAULT_PG_URL),
                        help="server (and maintenance database) where the throw-away database is created")
    parser.add_argument("--users", type=int, default=int(env("LOAD_USERS", "50")))
    parser.add_argument("--spawn-rate", type=float, default=float(env("LOAD_SPAWN_RATE", "10")))
    parser.add_argument("--run-time", default=env("LOAD_RUN_TIME", "80s"),
                        help="whole locust run: ramp-up and sign-ins, 10 s warm-up, then the measured part")
    parser.add_argument("--workers", type=int, default=int(env("LOAD_WORKERS", str(2 * (os.cpu_count() or 1)))))
    parser.add_argument("--candidates", type=int, default=int(env("LOAD_CANDIDATES", "10000")))
    parser.add_argument("--postings", type=int, default=int(env("LOAD_POSTINGS", "2000")))
    parser.add_argument("--target-p95", type=float, default=float(env("LOAD_TARGET_P95", "150")),
                        help="p95 in ms to report against (not enforced)")
    parser.add_argument("--reuse-database", metavar="URL",
                        help="serve this already seeded database instead of building one (nothing is dropped)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, CSV, SQLite file)")
    parser.add_argument("--matcher-nice", type=int, default=int(env("LOAD_MATCHER_NICE", "10")),
                        help="the matcher's nice value (0: the web's own priority)")
    parser.add_argument("--wait-for-matcher", type=float, default=float(env("LOAD_WAIT_FOR_MATCHER", "0")),
                        metavar="SECONDS", help="before the run, wait up to this long until the matcher has fitted "
                        "every scheme (the steady state; at 100k candidates its fits take minutes)")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"[load] {message}", flush=True)


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine() -> str:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores {cpu}, Python {platform.python_version()}, {platform.system()}"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


# --- databases ----------------------------------------------------------------------------
class PostgresDatabase:
    """A database created for this run on the given server and dropped afterwards."""

    def __init__(self, server_url: str) -> None:
        import sqlalchemy as sa

        self.name = f"load_{secrets.token_hex(4)}"
        self.admin_url = sa.make_url(server_url)
        self.url = self.admin_url.set(database=self.name).render_as_string(hide_password=False)
        self._engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")

    def __enter__(self) -> str:
        import sqlalchemy as sa

        try:
            with self._engine.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
        except sa.exc.OperationalError as exc:
            raise SystemExit(f"PostgreSQL is not reachable at {self.admin_url.render_as_string()} "
                             f"(start it, or set LOAD_PG_URL): {exc.orig}") from None
        log(f"created PostgreSQL database {self.name}")
        return self.url

    def __exit__(self, *exc: object) -> None:
        import sqlalchemy as sa

        with self._engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self._engine.dispose()
        log(f"dropped PostgreSQL database {self.name}")


# --- steps ---------------------------------------------------------------------------------
def flask(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"flask {' '.join(args)} failed")
    last = (result.stdout.strip().splitlines() or [""])[-1]
    log(f"flask {' '.join(args)}: {seconds:.1f} s  {last[:120]}")
    return seconds


def build_database(env: dict[str, str], args: argparse.Namespace, coordinators: int) -> dict[str, float]:
    timings = {}
    timings["migrate"] = flask(env, "db", "upgrade")
    timings["reference"] = flask(env, "seed", "reference")
    timings["demo"] = flask(env, "seed", "demo")
    timings["scale"] = flask(env, "seed", "scale", "--candidates", str(args.candidates),
                             "--postings", str(args.postings), "--coordinators", str(coordinators))
    timings["match refresh"] = flask(env, "match", "refresh")
    timings["pipeline"] = flask(env, "seed", "pipeline")
    timings["analyze"] = analyze(env["DATABASE_URL"])
    return timings


def analyze(database_url: str) -> float:
    """Refresh the planner's statistics after the bulk load (autovacuum would, a little later)."""
    import sqlalchemy as sa

    started = time.perf_counter()
    engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("ANALYZE"))
    engine.dispose()
    seconds = time.perf_counter() - started
    log(f"ANALYZE: {seconds:.1f} s")
    return seconds


class Gunicorn:
    """gunicorn serving ``wsgi:app`` on 127.0.0.1; stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, env: dict[str, str], port: int, workers: int, log_path: Path) -> None:
        self.env, self.port, self.workers, self.log_path = env, port, workers, log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--timeout", "60", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(base + "/", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise SystemExit("gunicorn did not answer within 60 s")
        log(f"gunicorn with {self.workers} workers on {base}")
        self.base = base
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        log("gunicorn stopped")


class MatcherProcess:
    """``flask match worker`` beside gunicorn (stopped with SIGTERM: it hands its partitions back)."""

    def __init__(self, env: dict[str, str], log_path: Path, nice: int = 10) -> None:
        self.env, self.log_path, self.nice = env, log_path, nice

    def __enter__(self) -> MatcherProcess:
        self._log = self.log_path.open("w")
        # Background work below the web's priority, as the deployment guide runs it (nice 10): on a
        # host it shares with gunicorn, a page must not wait for a batch of suggestions.
        self.process = subprocess.Popen(["nice", "-n", str(self.nice), str(BIN / "flask"), "match", "worker"],
                                        cwd=ROOT, env={**self.env, "LOG_LEVEL": "INFO"}, stdout=self._log,
                                        stderr=subprocess.STDOUT)
        log(f"matcher started (nice -n {self.nice} flask match worker)")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        log("matcher stopped")


def wait_for_matcher(database_url: str, since: datetime, seconds: float) -> None:
    """Until every scheme's partition is owned and was fitted after ``since`` (or ``seconds`` pass)."""
    import sqlalchemy as sa

    sys.path.insert(0, str(ROOT))
    from marketplace.models import MatchingPartition
    from marketplace.schemes.registry import SCHEMES

    engine = sa.create_engine(database_url)
    deadline = time.monotonic() + seconds
    try:
        while True:
            with engine.connect() as conn:
                fitted = conn.execute(sa.select(sa.func.count()).select_from(MatchingPartition).where(
                    MatchingPartition.owner.is_not(None), MatchingPartition.fitted_at >= since)).scalar() or 0
            if fitted >= len(SCHEMES):
                log(f"matcher fitted every scheme {(datetime.now(UTC) - since).total_seconds():.0f} s after its "
                    f"start; load average {load_average()}")
                return
            if time.monotonic() > deadline:
                log(f"matcher fitted {fitted} of {len(SCHEMES)} schemes within {seconds:.0f} s; running anyway")
                return
            time.sleep(2)
    finally:
        engine.dispose()


def matching_state(database_url: str, since: datetime) -> tuple[int, int]:
    """(matching changes still queued, people and postings whose suggestions were computed since ``since``)."""
    import sqlalchemy as sa

    sys.path.insert(0, str(ROOT))
    from marketplace.models import MatchingChange, MatchingFreshness

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        waiting = conn.execute(sa.select(sa.func.count()).select_from(MatchingChange)).scalar() or 0
        fresh = conn.execute(sa.select(sa.func.count()).select_from(MatchingFreshness).where(
            MatchingFreshness.computed_at >= since, ~MatchingFreshness.ref.startswith("*"))).scalar() or 0
    engine.dispose()
    return waiting, fresh


# --- CPU per part of the stack ---------------------------------------------------------------
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command name, CPU seconds used so far), from /proc (empty elsewhere)."""
    found: dict[int, tuple[int, str, float]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = entry.read_text()
        except OSError:  # the process ended meanwhile
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        found[int(entry.parent.name)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / TICKS)
    return found


def _total_cpu() -> float:
    """CPU seconds the whole machine has spent busy (every core, /proc/stat)."""
    try:
        values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except OSError:
        return 0.0
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values[:8]) - idle) / TICKS


class CpuMeter:
    """CPU seconds of each part of the stack (gunicorn, the matcher, locust, PostgreSQL, the rest of
    the machine) between two snapshots: where the two cores went while the pages were measured.
    Process trees are followed from their root pid, so the workers gunicorn forks count as gunicorn
    (processes that ended in between lose their share: none do during a run)."""

    def __init__(self, roots: dict[str, int]) -> None:
        self.roots = roots
        self.start: tuple[float, float, dict[str, float]] | None = None
        self.end: tuple[float, float, dict[str, float]] | None = None

    def _snapshot(self) -> tuple[float, float, dict[str, float]]:
        processes = _processes()
        children: dict[int, list[int]] = {}
        for pid, (parent, _name, _cpu) in processes.items():
            children.setdefault(parent, []).append(pid)
        used: dict[str, float] = {}
        for part, root in self.roots.items():
            stack, total = [root], 0.0
            while stack:
                pid = stack.pop()
                total += processes.get(pid, (0, "", 0.0))[2]
                stack.extend(children.get(pid, ()))
            used[part] = total
        used["postgresql"] = sum(cpu for _parent, name, cpu in processes.values() if name == "postgres")
        return time.monotonic(), _total_cpu(), used

    def begin(self) -> None:
        self.start = self._snapshot()

    def tick(self) -> None:
        self.end = self._snapshot()

    def report(self, requests: int) -> None:
        if self.start is None or self.end is None:
            log("CPU: the measured part never began")
            return
        (t0, busy0, used0), (t1, busy1, used1) = self.start, self.end
        seconds = max(t1 - t0, 1e-9)
        parts = {part: used1[part] - used0.get(part, 0.0) for part in used1}
        parts["rest of the machine"] = max((busy1 - busy0) - sum(parts.values()), 0.0)
        cores = os.cpu_count() or 1
        log(f"CPU over the measured {seconds:.0f} s ({cores} cores, {100 * (busy1 - busy0) / (seconds * cores):.0f} % busy): "
            + ", ".join(f"{part} {cpu:.1f} s ({100 * cpu / seconds:.0f} % of a core)" for part, cpu in parts.items()))
        if requests:
            web = parts.get("gunicorn", 0.0) + parts.get("postgresql", 0.0)
            log(f"CPU per request: gunicorn {1000 * parts.get('gunicorn', 0.0) / requests:.1f} ms + PostgreSQL "
                f"{1000 * parts.get('postgresql', 0.0) / requests:.1f} ms = {1000 * web / requests:.1f} ms over {requests} requests")


def run_locust(env: dict[str, str], base: str, args: argparse.Namespace, folder: Path,
               roots: dict[str, int] | None = None) -> tuple[int, CpuMeter]:
    command = [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--host", base,
               "-u", str(args.users), "-r", str(args.spawn_rate), "-t", args.run_time,
               "--csv", str(folder / "stats"), "--only-summary", "--stop-timeout", "10",
               "--loglevel", "WARNING"]
    log(f"locust: {args.users} users, spawn rate {args.spawn_rate}/s, {args.run_time} (load average {load_average()})")
    log_path = folder / "locust.log"
    with log_path.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        meter = CpuMeter({**(roots or {}), "locust": process.pid})

        def measure() -> None:
            """From the reset that starts the measured part (the locustfile logs it) to locust's last
            second alive: a snapshot each second, the last one taken while locust still ran is the end."""
            while process.poll() is None and "statistics reset" not in log_path.read_text(errors="replace"):
                time.sleep(0.2)
            meter.begin()
            while process.poll() is None:
                meter.tick()
                time.sleep(1)

        watcher = threading.Thread(target=measure, daemon=True)
        watcher.start()
        code = process.wait()
        watcher.join(timeout=5)
    return code, meter


# --- report --------------------------------------------------------------------------------
def report(folder: Path, target: float) -> tuple[int, int, int]:
    """Print the table; returns (failed requests, locustfile exceptions, requests measured)."""
    rows = list(csv.DictReader((folder / "stats_stats.csv").open()))
    exceptions = list(csv.DictReader((folder / "stats_exceptions.csv").open()))
    print()
    print("| page | requests | failures | req/s | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    failed = 0
    for row in rows:
        if row["Request Count"] == "0":
            continue
        name = "**overall**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        failed += int(row["Failure Count"]) if row["Name"] != "Aggregated" else 0
        print(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} "
              f"| {row['50%']} | {row['95%']} |")
    print()
    overall = next(r for r in rows if r["Name"] == "Aggregated")
    if float(overall["Requests/s"]):
        log(f"measured over {int(overall['Request Count']) / float(overall['Requests/s']):.0f} s "
            "(after every simulated user had signed in, and a warm-up)")
    slow = [r["Name"] for r in rows if r["Name"] != "Aggregated" and r["95%"] != "N/A" and float(r["95%"]) > target]
    verdict = "met" if float(overall["95%"]) <= target and not slow else "NOT met (" + ", ".join(slow or ["overall"]) + ")"
    log(f"p95 target {target:.0f} ms: {verdict}")
    for failure in csv.DictReader((folder / "stats_failures.csv").open()):
        log(f"failure: {failure['Method']} {failure['Name']}: {failure['Error']} ×{failure['Occurrences']}")
    for exception in exceptions:
        log(f"exception ×{exception['Count']}: {exception['Message']}")
    return failed, len(exceptions), int(overall["Request Count"])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    log(f"machine: {machine()}; load average {load_average()}")
    coordinators = max(20, args.users)
    with ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="marketplace-load-"))
        if args.keep:
            log(f"keeping {folder}")
        else:
            stack.callback(shutil.rmtree, folder, ignore_errors=True)
        if args.reuse_database:
            database_url = args.reuse_database
        elif args.database == "postgresql":
            database_url = stack.enter_context(PostgresDatabase(args.pg_url))
        else:
            database_url = f"sqlite:///{folder / 'load.sqlite'}"
        env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "wsgi",
               "SECRET_KEY": secrets.token_hex(32), "LOG_LEVEL": "WARNING",
               "MAIL_OUTBOX_DIR": str(folder / "outbox"), "RATELIMIT_STORAGE_URI": "memory://",
               # one address signs dozens of simulated people in: lift the per-address login limits
               "LOGIN_RATE_LIMIT": "100000 per minute", "TOTP_RATE_LIMIT": "100000 per minute",
               "LOAD_COORDINATORS": str(coordinators)}
        if not args.reuse_database:
            timings = build_database(env, args, coordinators)
            log("database built in {:.0f} s ({})".format(sum(timings.values()), args.database))
        matcher_started = datetime.now(UTC)
        matcher = stack.enter_context(MatcherProcess(env, folder / "matcher.log", args.matcher_nice))
        if args.wait_for_matcher:
            wait_for_matcher(database_url, matcher_started, args.wait_for_matcher)
        started = datetime.now(UTC)
        gunicorn = stack.enter_context(Gunicorn(env, free_port(), args.workers, folder / "gunicorn.log"))
        base = gunicorn.base
        code, meter = run_locust(env, base, args, folder, {"gunicorn": gunicorn.process.pid,
                                                           "matcher": matcher.process.pid})
        waiting, fresh = matching_state(database_url, started)
        log(f"matching: {fresh} people/postings given fresh suggestions during the run, "
            f"{waiting} changes still queued at its end (matcher {'running' if matcher.process.poll() is None else 'DEAD'})")
        if not (folder / "stats_stats.csv").exists():
            sys.stderr.write((folder / "locust.log").read_text())
            return 1
        failed, exceptions, requests = report(folder, args.target_p95)
        meter.report(requests)
        log(f"load average after the run: {load_average()}")
        if failed or exceptions or code != 0:
            log(f"FAILED: {failed} failed requests, {exceptions} exceptions (locust exit {code})")
            if not args.keep:
                tail = (folder / "gunicorn.log").read_text()[-3000:]
                sys.stderr.write(tail)
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
