"""Profile saves on gunicorn at several scales: the first save each worker serves, later saves, memory.

What issue #13's probe does, with the project's own CLI, once per scale (``--scales 1000,30000``):

1. a throw-away database (SQLite file, or ``load_<random>`` on ``--pg-url``): ``flask db upgrade``,
   ``seed reference``, ``seed demo``, ``seed scale --candidates N --postings N/10``, ``match refresh``;
2. gunicorn with 4 sync workers (gunicorn's default 30 s worker timeout), access log with each
   request's worker pid;
3. different synthetic candidates (``scale-candidate-NNNNN``) sign in through the real form (CSRF
   token read from the page) and each saves their profile once, one after another, the form sent
   as a browser would with one word added to the self-introduction; saves go on until every
   worker has served at least one (the first save after start of each worker is included) and
   ``--saves`` have been made;
4. the workers' resident memory (VmRSS) after the saves, and any ``WORKER TIMEOUT`` in the log.

Printed per scale: the first save of each worker (and their max), median and p95 of all saves,
RSS per worker; then max(first saves at the largest scale) / median(saves at the smallest), which
issue #13 wants at most 3. No matcher runs: the web only records changes, which is what is timed.

    .venv/bin/python scripts/bench_profile_save.py --scales 1000,30000 [--database postgresql]
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from load_test import BIN, DEFAULT_PG_URL, PostgresDatabase, flask, free_port, load_average, machine  # noqa: E402

from tests.load.formdata import form_fields, replace  # noqa: E402

DEMO_PASSWORD = "demo-Pass-2026"
CANDIDATE_EMAIL = "scale-candidate-{:05d}@example.jp"
DEMO_CANDIDATES = 220
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


class Browser:
    """One person: a cookie jar, the CSRF token of each form, no redirects followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect())

    def request(self, path: str, fields: list[tuple[str, str]] | None = None) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        req = urllib.request.Request(self.base + path, data=data)
        try:
            with self.opener.open(req, timeout=120) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", ""), exc.read().decode(errors="replace")

    def sign_in(self, email: str) -> None:
        _status, _loc, page = self.request("/auth/login")
        token = CSRF.search(page)
        if not token:
            raise SystemExit("no CSRF token on the login page")
        status, location, _body = self.request("/auth/login", [("csrf_token", token.group(1)), ("email", email),
                                                                ("password", DEMO_PASSWORD)])
        if status not in (302, 303) or "/auth/login" in location:
            raise SystemExit(f"sign-in of {email} failed: {status} {location}")

    def profile_form(self) -> list[tuple[str, str]]:
        status, _loc, page = self.request("/candidates/profile")
        if status != 200:
            raise SystemExit(f"profile page: {status}")
        fields = form_fields(page, having="self_intro")
        intro = dict(fields).get("self_intro", "")
        return replace(fields, "self_intro", (intro + " 自治体DX")[-2000:])

    def save_profile(self, fields: list[tuple[str, str]]) -> float:
        started = time.perf_counter()
        status, location, body = self.request("/candidates/profile", fields)
        seconds = time.perf_counter() - started
        if status not in (302, 303) or not location.rstrip("/").endswith("/candidates"):
            errors = re.findall(r'class="(?:field-)?error[^"]*"[^>]*>([^<]+)<', body)[:5]
            raise SystemExit(f"profile save answered {status} {location} {errors}")
        return seconds


class Gunicorn:
    """4 sync workers (gunicorn's default timeout), access log with the worker pid and duration."""

    def __init__(self, env: dict[str, str], port: int, workers: int, folder: Path) -> None:
        self.env, self.port, self.workers, self.folder = env, port, workers, folder
        self.log_path = folder / "gunicorn.log"
        self.access_path = folder / "access.log"

    def __enter__(self) -> Gunicorn:
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--access-logfile", str(self.access_path), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s %(D)s",
             "wsgi:app"], cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5):
                    break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer within 60 s")
        return self

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(p) for p in children.read_text().split()) if children.exists() else []

    def saves_by_pid(self) -> list[tuple[int, float]]:
        """(worker pid, server-side ms) of each POST /candidates/profile, in order."""
        out = []
        for line in self.access_path.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 5 and parts[1] == "POST" and parts[2] == "/candidates/profile":
                out.append((int(parts[0].strip("<>")), int(parts[4]) / 1000))
        return out

    def timeouts(self) -> int:
        return self.log_path.read_text().count("WORKER TIMEOUT")

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def measure(scale: int, args: argparse.Namespace) -> dict:
    with ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix=f"marketplace-bench-{scale}-"))
        if not args.keep:
            stack.callback(shutil.rmtree, folder, ignore_errors=True)
        if args.reuse_database:
            database_url = args.reuse_database
        elif args.database == "postgresql":
            database_url = stack.enter_context(PostgresDatabase(args.pg_url))
        else:
            database_url = f"sqlite:///{folder / 'bench.sqlite'}"
        env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "wsgi", "SECRET_KEY": secrets.token_hex(32),
               "LOG_LEVEL": "WARNING", "MAIL_OUTBOX_DIR": str(folder / "outbox"), "RATELIMIT_STORAGE_URI": "memory://",
               "LOGIN_RATE_LIMIT": "100000 per minute", "TOTP_RATE_LIMIT": "100000 per minute"}
        postings = max(200, scale // args.candidates_per_posting)
        log(f"scale {scale} candidates / {postings} postings on {args.database} (load average {load_average()})")
        built = time.perf_counter()
        refresh = float("nan")
        if not args.reuse_database:
            flask(env, "db", "upgrade")
            flask(env, "seed", "reference")
            flask(env, "seed", "demo")
            flask(env, "seed", "scale", "--candidates", str(scale), "--postings", str(postings),
                  "--coordinators", "0")
            refresh = flask(env, "match", "refresh")
            log(f"database built in {time.perf_counter() - built:.0f} s (match refresh {refresh:.0f} s); "
                f"kept in {folder}" if args.keep else "")

        rng = random.Random(scale)
        synthetic = scale - DEMO_CANDIDATES
        numbers = rng.sample(range(1, synthetic + 1), min(args.max_saves, synthetic))
        server = stack.enter_context(Gunicorn(env, free_port(), args.workers, folder))
        log(f"gunicorn with {args.workers} workers on {server.base}, pids {server.worker_pids()}")
        client_times: list[float] = []
        for index, number in enumerate(numbers):
            browser = Browser(server.base)
            browser.sign_in(CANDIDATE_EMAIL.format(number))
            fields = browser.profile_form()
            client_times.append(browser.save_profile(fields))
            served = {pid for pid, _ms in server.saves_by_pid()}
            if index + 1 >= args.saves and served >= set(server.worker_pids()):
                break
        by_pid = server.saves_by_pid()
        rss = {pid: rss_mb(pid) for pid in server.worker_pids()}
        first: dict[int, float] = {}
        for (pid, _server_s), seconds in zip(by_pid, client_times, strict=False):
            first.setdefault(pid, seconds)
        result = {
            "scale": scale, "postings": postings, "saves": client_times, "first": first, "rss": rss,
            "timeouts": server.timeouts(), "refresh": refresh, "load": load_average(),
        }
        log(f"{len(client_times)} saves; first save of each worker: "
            + ", ".join(f"{pid}: {s * 1000:.0f} ms" for pid, s in first.items())
            + f"; max {max(first.values()) * 1000:.0f} ms; median {statistics.median(client_times) * 1000:.0f} ms, "
            f"p95 {p95(client_times) * 1000:.0f} ms; worker RSS "
            + ", ".join(f"{v:.0f}" for v in rss.values()) + f" MB; worker timeouts {result['timeouts']}; "
            f"load average {result['load']}")
        if len(first) < len(rss):
            log(f"only {len(first)} of {len(rss)} workers served a save within {len(client_times)} saves")
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1000,30000", help="candidate totals, comma-separated")
    parser.add_argument("--candidates-per-posting", type=int, default=10)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("LOAD_PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--saves", type=int, default=20, help="at least this many saves per scale")
    parser.add_argument("--max-saves", type=int, default=60, help="stop here even if a worker served none")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders (logs, SQLite file)")
    parser.add_argument("--reuse-database", metavar="URL",
                        help="time saves on this already built database (one scale, given by --scales)")
    args = parser.parse_args()
    log(f"machine: {machine()}; load average {load_average()}")
    results = [measure(int(s), args) for s in args.scales.split(",")]

    print()
    print("| candidates | postings | saves | first save per worker, max ms | median ms | p95 ms "
          "| worker RSS MB (max) | timeouts | load average |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        print(f"| {r['scale']:,} | {r['postings']:,} | {len(r['saves'])} | {max(r['first'].values()) * 1000:.0f} "
              f"| {statistics.median(r['saves']) * 1000:.0f} | {p95(r['saves']) * 1000:.0f} "
              f"| {max(r['rss'].values()):.0f} | {r['timeouts']} | {r['load']} |")
    if len(results) > 1:
        small, large = results[0], results[-1]
        ratio = max(large["first"].values()) / statistics.median(small["saves"])
        print(f"\nmax first save at {large['scale']:,} / median save at {small['scale']:,}: {ratio:.2f}x "
              f"(target <= 3x: {'met' if ratio <= 3 else 'NOT met'})")
    worst = max(max(r["rss"].values()) for r in results)
    print(f"largest web worker RSS: {worst:.0f} MB (target <= 250 MB: {'met' if worst <= 250 else 'NOT met'})")


if __name__ == "__main__":
    main()
