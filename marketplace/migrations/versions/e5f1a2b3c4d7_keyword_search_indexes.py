"""keyword search indexes: pg_trgm GIN on PostgreSQL, FTS5 trigram tables on SQLite

Revision ID: e5f1a2b3c4d7
Revises: b1e4c7d9a2f3
Create Date: 2026-12-07 05:00:00

The statements are copied from marketplace/models/search_index.py as of this revision (a migration
must not change when the module does); tests/cli/test_migrations.py checks that both agree.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e5f1a2b3c4d7'
down_revision = 'b1e4c7d9a2f3'
branch_labels = None
depends_on = None

TABLES = {
    'postings': ('postings_fts', 'ix_postings_search_text_trgm'),
    'candidate_profiles': ('candidate_profiles_fts', 'ix_candidate_profiles_search_text_trgm'),
}


def _sqlite_ddl(table, fts):
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
        # index the rows already there
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # nosec B608 # table names are this module's constants, not input
    ]


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, (_fts, index) in TABLES.items():
            op.execute(f"CREATE INDEX {index} ON {table} USING gin (search_text gin_trgm_ops) "
                       "WITH (fastupdate = off)")
    elif dialect == 'sqlite':
        for table, (fts, _index) in TABLES.items():
            for statement in _sqlite_ddl(table, fts):
                op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        for _table, (_fts, index) in TABLES.items():
            op.execute(f"DROP INDEX IF EXISTS {index}")
        # The pg_trgm extension stays: other objects of the database may use it.
    elif dialect == 'sqlite':
        for _table, (fts, _index) in TABLES.items():
            for suffix in ('ai', 'ad', 'au'):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
