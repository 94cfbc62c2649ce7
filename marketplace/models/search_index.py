"""Keyword-search indexes over ``postings.search_text`` and ``candidate_profiles.search_text``.

``search_text`` is the NFKC-normalised, lower-cased text of the searchable fields (kept in step by
the use cases). A keyword search is ``search_text LIKE '%term%'`` for every term; these indexes
only make that faster, they never decide a result on their own:

* PostgreSQL: a ``pg_trgm`` GIN index (``gin_trgm_ops``) on ``search_text``. The planner uses it
  for the very ``LIKE`` the search already runs, and re-checks every row it returns.
* SQLite: an FTS5 table with the ``trigram`` tokenizer (external content, rowid = the row's id),
  kept in sync by triggers. The search narrows by ``id IN (SELECT rowid ... MATCH ...)`` and keeps
  the ``LIKE`` as the exact test.

Trigrams need at least three characters: a shorter term (``DX``, ``観光``) is tested by the
``LIKE`` alone, i.e. by a scan of the rows the other conditions leave.

The objects are created by the migration ``e5f1a2b3c4d7`` and, for schemas built from the models
(``metadata.create_all`` in tests), by the DDL events below. They are not part of the SQLAlchemy
metadata, so Alembic's comparison skips them (:func:`include_name`); tests/cli/test_migrations.py
checks that both paths create the same objects.
"""
from __future__ import annotations

import unicodedata

import sqlalchemy as sa

from marketplace.models.base import Base
from marketplace.models.postings import Posting
from marketplace.models.profiles import CandidateProfile

#: Shortest term a trigram index can find.
MIN_INDEXED_TERM = 3
#: Indexed tables and the name of their FTS5 table (SQLite) / trigram index (PostgreSQL).
INDEXED_TABLES = {
    Posting.__tablename__: ("postings_fts", "ix_postings_search_text_trgm"),
    CandidateProfile.__tablename__: ("candidate_profiles_fts", "ix_candidate_profiles_search_text_trgm"),
}
#: Tables FTS5 creates beside each virtual table.
FTS_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")


def sqlite_ddl(table: str) -> list[str]:
    """The FTS5 table over ``table.search_text`` and the triggers keeping it in sync."""
    fts = INDEXED_TABLES[table][0]
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', content_rowid='id', "
        "tokenize='trigram case_sensitive 0')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "  # nosec B608 # table names are this module's constants, not input
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "  # nosec B608 # table names are this module's constants, not input
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN "  # nosec B608 # table names are this module's constants, not input
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
    ]


def postgresql_ddl(table: str) -> list[str]:
    index = INDEXED_TABLES[table][1]
    # fastupdate off: a new row goes into the index at once (well under a millisecond a row) instead
    # of a pending list that every search would read through until the next vacuum.
    return [f"CREATE INDEX {index} ON {table} USING gin (search_text gin_trgm_ops) WITH (fastupdate = off)"]


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic name filter: leave the search-index objects (not in the metadata) out of comparisons."""
    if name is None:
        return True
    if type_ == "table":
        for fts, _index in INDEXED_TABLES.values():
            if name == fts or name in {fts + suffix for suffix in FTS_SHADOW_SUFFIXES}:
                return False
    if type_ == "index":
        return name not in {index for _fts, index in INDEXED_TABLES.values()}
    return True


def indexable(term: str) -> bool:
    """Whether the trigram index can narrow a search for this (normalised) term.

    Shorter terms have no trigram; control and format characters (NUL, zero-width, bidi marks)
    are left to the ``LIKE`` alone rather than to FTS5's query parser.
    """
    return len(term) >= MIN_INDEXED_TERM and not any(unicodedata.category(c)[0] == "C" for c in term)


def fts_match_query(terms: list[str]) -> str:
    """An FTS5 query requiring every term as a phrase (a substring, with the trigram tokenizer)."""
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)


def fts_rowids(table: str, terms: list[str]) -> sa.Select:
    """``SELECT rowid FROM <table>_fts WHERE search_text MATCH '"t1" AND "t2"'`` (SQLite only)."""
    fts = sa.table(INDEXED_TABLES[table][0], sa.column("rowid"), sa.column("search_text"))
    return sa.select(fts.c.rowid).where(fts.c.search_text.match(fts_match_query(terms)))


def _install_ddl_events() -> None:
    sa.event.listen(Base.metadata, "before_create",
                    sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
    for model in (Posting, CandidateProfile):
        table = model.__table__
        for statement in sqlite_ddl(table.name):
            sa.event.listen(table, "after_create", sa.DDL(statement).execute_if(dialect="sqlite"))
        for statement in postgresql_ddl(table.name):
            sa.event.listen(table, "after_create", sa.DDL(statement).execute_if(dialect="postgresql"))
        # The triggers go with the table; the FTS5 table must be dropped on its own.
        sa.event.listen(table, "before_drop", sa.DDL(
            f"DROP TABLE IF EXISTS {INDEXED_TABLES[table.name][0]}").execute_if(dialect="sqlite"))


_install_ddl_events()
