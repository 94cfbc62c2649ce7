"""Registration (and optionally reset) timing for taken versus new addresses, over HTTP.

Start the site (``make run``), then::

    .venv/bin/python scripts/bench_enumeration.py --url http://127.0.0.1:5000 --count 20

It registers ``count`` new addresses, then registers the same addresses again (now taken), each
through the real form with its CSRF token, and prints the median time of both and their ratio.
``--resets`` also times password resets of those known addresses against unknown ones (raise the
server's ``RESET_RATE_LIMIT`` first: the default allows 5 a minute). Keep ``2 × count`` under the
server's ``REGISTER_RATE_LIMIT`` per minute (default 50). Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "bench-Enumeration-2026"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)


def _csrf(opener, url: str) -> str:
    page = opener.open(url).read().decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    return match.group(1) if match else ""


def _timed_post(url: str, form_url: str, data: dict[str, str]) -> tuple[float, int]:
    opener = _opener()  # a fresh visitor each time, as an enumerating script would be
    data = {**data, "csrf_token": _csrf(opener, form_url)}
    body = urllib.parse.urlencode(data).encode()
    start = time.perf_counter()
    try:
        with opener.open(url, body) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    return time.perf_counter() - start, status


def _register(base: str, email: str) -> tuple[float, int]:
    return _timed_post(f"{base}/auth/register", f"{base}/auth/register", {
        "email": email, "display_name": "計測 太郎", "password": PASSWORD, "password_confirm": PASSWORD,
        "role": "candidate"})


def _reset(base: str, email: str) -> tuple[float, int]:
    return _timed_post(f"{base}/auth/password/forgot", f"{base}/auth/password/forgot", {"email": email})


def _report(label: str, first: list[tuple[float, int]], second: list[tuple[float, int]], names: tuple[str, str]) -> None:
    a = statistics.median(t for t, _ in first) * 1000
    b = statistics.median(t for t, _ in second) * 1000
    statuses = sorted({s for _, s in first + second})
    print(f"{label}: {names[0]} median {a:.1f} ms, {names[1]} median {b:.1f} ms, "
          f"ratio {max(a, b) / max(min(a, b), 1e-9):.2f}x, statuses {statuses}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--resets", action="store_true")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    run = secrets.token_hex(3)
    emails = [f"bench-{run}-{i}@example.jp" for i in range(args.count)]
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    new = [_register(base, email) for email in emails]
    taken = [_register(base, email) for email in emails]
    _report("register", new, taken, ("new", "taken"))
    if args.resets:
        known = [_reset(base, email) for email in emails]
        unknown = [_reset(base, f"nobody-{run}-{i}@example.jp") for i in range(args.count)]
        _report("reset", known, unknown, ("known", "unknown"))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
