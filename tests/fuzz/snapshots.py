"""Every stored row before and after a request, and what changed between the two.

"Nothing already stored is changed or lost" is checked on these diffs: a refused request changes
no row at all; an accepted one inserts what it likes but updates or deletes only rows that belong
to the person acting or to the objects named in the URL (and their children, and their direct
parents: a match moving on may mark its posting filled).
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Base

#: Reference tables no request writes; compared once per test rather than after every request.
REFERENCE_TABLES = frozenset({"prefectures", "municipalities", "succession_centres"})
#: Append-only logs that any request may add to (never update or delete).
LOG_TABLES = frozenset({"audit_events"})
#: Bookkeeping columns that any signed-in request may touch (a device's "last seen" time).
VOLATILE_COLUMNS = {"user_sessions": frozenset({"last_seen_at"})}
#: URL variable → the table its id names.
PARAM_TABLES = {
    "posting_id": "postings", "match_id": "matches", "follow_up_id": "match_follow_ups", "org_id": "organisations",
    "profile_id": "candidate_profiles", "user_id": "users", "token_id": "api_tokens", "search_id": "saved_searches",
    "bounce_id": "bounced_addresses",
}

Key = tuple[Any, ...]
Row = dict[str, Any]
Snapshot = dict[str, dict[Key, Row]]


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _tables(include_reference: bool) -> list[sa.Table]:
    return [t for t in Base.metadata.sorted_tables if include_reference or t.name not in REFERENCE_TABLES]


def take(include_reference: bool = False) -> Snapshot:
    """Every row of every table (inside an app context), keyed by primary key.

    On SQLite the rows are read with the driver directly (this runs twice per request): JSON
    columns stay text and dates ISO strings there, which compares just as well; ``decoded`` turns
    them into values when a changed row is inspected.
    """
    snapshot: Snapshot = {}
    connection = db.session.connection()
    raw = connection.connection.driver_connection if connection.dialect.name == "sqlite" else None
    for table in _tables(include_reference):
        names = [c.name for c in table.columns if c.name not in VOLATILE_COLUMNS.get(table.name, ())]
        pk = [names.index(c.name) for c in table.primary_key.columns]
        rows: dict[Key, Row] = {}
        if raw is not None:
            cursor = raw.execute(f'SELECT {", ".join(f"{chr(34)}{n}{chr(34)}" for n in names)} FROM "{table.name}"')
            result = cursor.fetchall()
        else:
            result = connection.execute(sa.select(*(table.c[n] for n in names))).all()
        for values in result:
            rows[tuple(_plain(values[i]) for i in pk)] = dict(zip(names, values))
        snapshot[table.name] = rows
    db.session.rollback()
    return snapshot


def _json_columns() -> dict[str, set[str]]:
    return {t.name: {c.name for c in t.columns if isinstance(c.type, sa.JSON)} for t in Base.metadata.sorted_tables}


def decoded(table: str, row: Row) -> Row:
    """``row`` with its JSON columns as values (they are text in a raw SQLite snapshot)."""
    columns = _JSON_COLUMNS.get(table, set())
    if not columns:
        return row
    result = dict(row)
    for name in columns:
        if isinstance(result.get(name), str):
            try:
                result[name] = json.loads(result[name])
            except ValueError:
                pass
    return result


_JSON_COLUMNS = _json_columns()


@dataclass
class Diff:
    inserted: dict[str, list[Row]] = field(default_factory=dict)
    updated: dict[str, list[tuple[Row, Row]]] = field(default_factory=dict)
    deleted: dict[str, list[Row]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.inserted or self.updated or self.deleted)

    def changes_outside_logs(self) -> Diff:
        return Diff({t: r for t, r in self.inserted.items() if t not in LOG_TABLES}, self.updated, self.deleted)

    def describe(self, limit: int = 6) -> str:
        parts = [f"inserted {t}: {len(r)}" for t, r in self.inserted.items()]
        parts += [f"updated {t}: {[_changed_columns(a, b) for a, b in r][:limit]}" for t, r in self.updated.items()]
        parts += [f"deleted {t}: {len(r)}" for t, r in self.deleted.items()]
        return "; ".join(parts)

    def written_rows(self) -> Iterator[Row]:
        for table, rows in self.inserted.items():
            for row in rows:
                yield decoded(table, row)
        for table, pairs in self.updated.items():
            for _before, after in pairs:
                yield decoded(table, after)


def _changed_columns(before: Row, after: Row) -> list[str]:
    return [k for k in after if before.get(k) != after.get(k)]


def diff(before: Snapshot, after: Snapshot) -> Diff:
    result = Diff()
    for table, rows_after in after.items():
        rows_before = before.get(table, {})
        inserted = [row for key, row in rows_after.items() if key not in rows_before]
        updated = [(rows_before[key], row) for key, row in rows_after.items()
                   if key in rows_before and rows_before[key] != row]
        deleted = [row for key, row in rows_before.items() if key not in rows_after]
        if inserted:
            result.inserted[table] = inserted
        if updated:
            result.updated[table] = updated
        if deleted:
            result.deleted[table] = deleted
    return result


# --- whose rows -----------------------------------------------------------------------------
def _foreign_keys() -> dict[str, list[tuple[str, str]]]:
    """table → [(column, referenced table)]."""
    keys: dict[str, list[tuple[str, str]]] = {}
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            keys.setdefault(table.name, []).append((fk.parent.name, fk.column.table.name))
    return keys


def _row_id(table: str, row: Row) -> Any:
    return row.get("id", None) if "id" in row else None


def related_rows(snapshot: Snapshot, roots: Iterable[tuple[str, Any]]) -> set[tuple[str, Any]]:
    """``roots`` (table, id), every row that points to one of them through foreign keys (transitively),
    and the rows that any of those point to directly (their parents). A reference row (a prefecture)
    as root brings only the rows that point to it directly: everything lies in some prefecture."""
    fks = _foreign_keys()
    roots = {(t, i) for t, i in roots if i is not None}
    reference_roots = {(t, i) for t, i in roots if t in REFERENCE_TABLES}
    owned = roots - reference_roots
    grew = True
    while grew:
        grew = False
        for table, columns in fks.items():
            for row in snapshot.get(table, {}).values():
                ident = (table, _row_id(table, row))
                if ident in owned or ident[1] is None:
                    continue
                if any((target, row.get(col)) in owned for col, target in columns if row.get(col) is not None):
                    owned.add(ident)
                    grew = True
    for table, columns in fks.items():
        for row in snapshot.get(table, {}).values():
            if any((target, row.get(col)) in reference_roots for col, target in columns):
                owned.add((table, _row_id(table, row)))
    parents = set()
    for table, ident in list(owned):
        row = snapshot.get(table, {}).get((ident,))
        if row is None:
            continue
        for col, target in fks.get(table, []):
            if row.get(col) is not None:
                parents.add((target, row[col]))
    return owned | parents | reference_roots


def stray_changes(change: Diff, before: Snapshot, roots: Iterable[tuple[str, Any]]) -> list[str]:
    """Updates and deletions of rows that are neither the actor's nor the URL objects' (see module doc)."""
    allowed = related_rows(before, roots)
    problems = []
    for table, pairs in change.updated.items():
        for old, new in pairs:
            if (table, _row_id(table, old)) not in allowed:
                problems.append(f"updated {table} row {old.get('id')} ({_changed_columns(old, new)})")
    for table, rows in change.deleted.items():
        for old in rows:
            if (table, _row_id(table, old)) not in allowed:
                problems.append(f"deleted {table} row {old.get('id')}")
    return problems


# --- stored text ----------------------------------------------------------------------------
def strings_in(rows: Iterable[Row]) -> list[str]:
    """Every string stored in ``rows``, JSON values included."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    for row in rows:
        for value in row.values():
            walk(value)
    return found


def unsafe_stored_text(rows: Iterable[Row]) -> list[str]:
    """Stored strings that PostgreSQL would refuse (NUL) or that are not valid Unicode (lone surrogates)."""
    bad = []
    for text in strings_in(rows):
        if "\x00" in text:
            bad.append(f"NUL in {text[:40]!r}")
        elif any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
            bad.append(f"lone surrogate in {text[:40]!r}")
    return bad


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
