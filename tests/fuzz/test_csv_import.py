"""Malformed and hostile CSV files sent to every upload form the crawl found (the coordinators'
CSV import), and the checked preview confirmed when the app accepts it.

The base material is the CSV the upload page itself links to (templates and exports); files are
then broken on purpose — quoting, NUL, BOMs, encodings (invalid cp932, UTF-16), binary garbage,
empty files, a header only, 10,000 columns, too many rows — or filled with hostile cells.
"""
from __future__ import annotations

import csv
import io
import re
import zlib

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from marketplace.extensions import db
from tests.fuzz import snapshots, tally
from tests.fuzz.catalogue import Target
from tests.fuzz.conftest import DEEP, FUZZ_SETTINGS, examples
from tests.fuzz.html_forms import parse_forms
from tests.fuzz.judge import Request, refused, verdict
from tests.fuzz.strategies import hostile_for
from tests.fuzz.support import snapshot

_CSV_LINK = re.compile(r'href="([^"]+\.csv)"')


def _upload_targets(catalogue) -> list[Target]:
    return [t for targets in catalogue.post_targets.values() for t in targets
            if t.form.has_file and t.actor != "admin"] or \
           [t for targets in catalogue.post_targets.values() for t in targets if t.form.has_file]


def _base_tables(client, target: Target) -> list[list[list[str]]]:
    """The CSV files linked from the page with the upload form, as rows of cells; those whose link
    shares a word with the upload URL first (the template of this import)."""
    page = client.get(target.source).get_data(as_text=True)
    words = set(re.findall(r"[a-z]+", target.form.path))
    links = sorted(set(_CSV_LINK.findall(page)), key=lambda link: not (set(re.findall(r"[a-z]+", link)) & words
                                                                      - {"coordination", "csv"}))
    tables = []
    for link in links:
        response = client.get(link)
        if response.status_code == 200:
            text = response.get_data().decode("utf-8-sig", errors="replace")
            tables.append([row for row in csv.reader(io.StringIO(text))])
    return tables


def _to_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _malformed_files(header: list[str], row: list[str]) -> list[tuple[str, bytes]]:
    """(what, bytes) for the named malformations of the issue and a few more."""
    head = _to_csv([header])
    line = _to_csv([row])
    width = len(header)
    return [
        ("0 bytes", b""),
        ("only a BOM", b"\xef\xbb\xbf"),
        ("blank lines", b"\r\n\r\n\n"),
        ("header only", head.encode("utf-8-sig")),
        ("unbalanced quote", (head + '"' + line.rstrip("\r\n") + "\r\n").encode()),
        ("quote inside a cell", (head + line.replace(",", ',ab"c', 1)).encode()),
        ("NUL byte", (head + line).encode().replace(b",", b",\x00", 1)),
        ("NUL as UTF-16 would put it", (head + line).encode("utf-16-le")),
        ("BOM in the middle", (head + "\ufeff" + line + "\ufeff" + line).encode()),
        ("UTF-16 with BOM", (head + line).encode("utf-16")),
        ("UTF-32", (head + line).encode("utf-32")),
        ("invalid cp932", head.encode("cp932", "replace") + b"\x81\x39\x82\xa0\xff\xfe\x85\x40,\xeb\x40\r\n"),
        ("invalid UTF-8 after a valid start", (head + line).encode() + b"\xc3\x28\xe3\x81\r\n"),
        ("cp932 with machine-dependent characters", (head + line.replace(",", ",①㈱髙", 1)).encode("cp932", "replace")),
        ("binary garbage", bytes(range(256)) * 8),
        ("a zip file (an .xlsx renamed .csv)", b"PK\x03\x04\x14\x00\x06\x00" + bytes(200)),
        ("a PNG", b"\x89PNG\r\n\x1a\n" + bytes(100)),
        ("10,000 columns", (",".join(f"c{i}" for i in range(10_000)) + "\r\n" + ",".join("x" * 10_000) + "\r\n").encode()),
        ("header with 10,000 extra columns", (head.rstrip("\r\n") + "," * 10_000 + "\r\n" + line).encode()),
        ("too many rows", (head + line * 1_100).encode()),
        ("over the size limit", (head + line * 3_000 + "x" * 300_000).encode()),
        ("one huge cell", (head + '"' + "あ" * 80_000 + '"' + "," * (width - 1) + "\r\n").encode()),
        ("rows longer and shorter than the header", (head + line.rstrip("\r\n") + ",extra,extra\r\n" + "a\r\n").encode()),
        ("duplicate headers", _to_csv([header + header, row + row]).encode()),
        ("semicolons", (head + line).replace(",", ";").encode()),
        ("tabs", (head + line).replace(",", "\t").encode()),
        ("CR line ends only", (head + line + line).replace("\r\n", "\r").encode()),
        ("LF inside quoted cells", (head + '"a\nb\r\nc"' + "," * (width - 1) + "\r\n").encode()),
        ("formulas", _to_csv([header, ["=1+2", "+cmd|' /C calc'!A0", "-2", "@SUM(A1)"] + row[4:]]).encode()),
        ("header in half-width kana and full-width letters", _to_csv([["ﾀｲﾄﾙ", "ＴＩＴＬＥ"] + header[2:], row]).encode()),
    ]


def _post(client, target: Target, url: str, payload: bytes, filename: str = "import.csv",
          mimetype: str = "text/csv"):
    file_field = next(name for name, spec in target.fields.items() if spec.kind == "file")
    data = {file_field: (io.BytesIO(payload), filename, mimetype)}
    for name, spec in target.fields.items():
        if spec.kind == "submit" and spec.options:
            data[name] = spec.options[0]
    return client.post(url, data=data, content_type="multipart/form-data")


def _check(harness, world, target: Target, client, url: str, payload: bytes, label: str, **kwargs) -> list[str]:
    """Send one file; when its preview is accepted, confirm it too. Returns the problems."""
    app = harness.app
    before = snapshot(app)
    response = _post(client, target, url, payload, **kwargs)
    after = snapshot(app)
    request = Request(target.endpoint, url, world.users.get(target.actor), [], None, {})
    problems = [f"{label}: {p}" for p in verdict(request, response, before, after)]
    if not refused(response) and not snapshots.diff(before, after).changes_outside_logs().empty:
        problems.append(f"{label}: the preview stored something")
    if response.status_code == 200 and not problems:
        problems += _confirm(harness, world, target, client, response, label)
    return problems


def _confirm(harness, world, target: Target, client, preview, label: str) -> list[str]:
    """Post the confirmation form of an accepted preview (if any) and judge it the same way."""
    app = harness.app
    problems = []
    for form in parse_forms(preview.get_data(as_text=True), target.form.path):
        hidden = {name: spec.value for name, spec in form.fields.items() if spec.kind == "hidden"}
        if form.method != "post" or not hidden or form.path in ("/auth/logout", "/language"):
            continue
        before = snapshot(app)
        response = client.post(form.action, data=hidden)
        after = snapshot(app)
        request = Request(target.endpoint, form.action, world.users.get(target.actor), [], None, {})
        problems += [f"{label} (confirmed): {p}" for p in verdict(request, response, before, after)]
        tampered = {name: value[:-8] + "AAAAAAAA" for name, value in hidden.items()}
        response = client.post(form.action, data=tampered)
        problems += [f"{label} (tampered token): {p}" for p in
                     verdict(request, response, after, snapshot(app))]
    return problems


@pytest.fixture
def uploads(harness, catalogue, world):
    targets = _upload_targets(catalogue)
    assert targets, "the crawl found no upload form (the CSV import should have one)"
    result = []
    for target in targets:
        client = harness.client(target.actor)
        with harness.app.app_context():
            url = target.url(harness.app, world)
            db.session.remove()
        tables = _base_tables(client, target)
        with_rows = [t for t in tables if len(t) > 1 and t[0]]
        header = (with_rows or tables or [[["a", "b"]]])[0][0]
        row = with_rows[0][1] if with_rows else [_plausible_cell(name) for name in header]
        result.append((target, client, url, header, row))
    return result


def _plausible_cell(header: str) -> str:
    """A value for an empty template column, so that hostile cells get past the required ones."""
    if "メール" in header or "mail" in header.lower():
        return "invitee@example.jp"
    return "高知 花子" if "名" in header else ""


def test_malformed_csv_files(harness, world, uploads):
    failures = []
    for target, client, url, header, row in uploads:
        for what, payload in _malformed_files(header, row):
            tally.record(payload)
            failures += _check(harness, world, target, client, url, payload, f"{url} {what}")
        for filename, mimetype in (("../../etc/passwd", "text/csv"), ("名前.csv\x00.exe", "image/png"),
                                   ("", "application/octet-stream"), ("a" * 1000 + ".csv", "text/csv")):
            payload = _to_csv([header, row]).encode()
            failures += _check(harness, world, target, client, url, payload, f"{url} filename {filename[:20]!r}",
                               filename=filename, mimetype=mimetype)
    assert not failures, "\n".join(failures)


def test_csv_files_with_hostile_cells(harness, world, uploads):
    failures: list[str] = []

    @settings(FUZZ_SETTINGS, max_examples=examples(150))
    @given(data=st.data())
    def attack(data):
        target, client, url, header, row = data.draw(st.sampled_from(uploads), label="upload")
        cells = list(row) + [""] * (len(header) - len(row))
        hostile_columns = data.draw(st.lists(st.integers(0, max(len(cells) - 1, 0)), min_size=1, max_size=10,
                                             unique=True), label="columns")
        for column in hostile_columns:
            cells[column] = data.draw(hostile_for(column).text.map(lambda v: v[:20_000]),
                                      label=header[column] if header else "")
            tally.record(cells[column])
        rows = [header] + [cells] * data.draw(st.integers(1, 3), label="rows")
        encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "cp932", "utf-16"]), label="encoding")
        payload = _to_csv(rows).encode(encoding, "replace")
        problems = _check(harness, world, target, client, url, payload, f"{url} ({encoding})")
        failures.extend(problems)
        assert not problems, problems

    if not DEEP:
        attack = seed(zlib.crc32(b"csv-import"))(attack)
    attack()
