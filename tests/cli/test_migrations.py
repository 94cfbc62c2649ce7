"""Migrations build the same schema as the models, on SQLite and on PostgreSQL."""
from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import Base, search_index
from tests.conftest import TEST_DATABASE_URL, make_config


@pytest.fixture
def empty_database_url(tmp_path) -> Iterator[str]:
    """A database with nothing in it: a temp SQLite file, or a throw-away PostgreSQL database."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"mp_migrations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(TEST_DATABASE_URL).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _search_objects(engine: sa.Engine) -> dict[str, str]:
    """The keyword-search objects outside the metadata (FTS5 tables and triggers; trigram indexes), by name."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE name LIKE '%\\_fts%' ESCAPE '\\' "
                                        "AND sql IS NOT NULL")).all()
        else:
            names = [index for _fts, index in search_index.INDEXED_TABLES.values()]
            rows = conn.execute(sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(:n)"),
                                {"n": names}).all()
    return {name: " ".join(sql.split()) for name, sql in rows}


def test_upgrade_matches_models_and_downgrade_is_clean(empty_database_url, tmp_path):
    app = create_app(make_config(25, SQLALCHEMY_DATABASE_URI=empty_database_url))
    app.instance_path = str(tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            # The same name filter as migrations/env.py: the search objects are compared below.
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                             "include_name": search_index.include_name})
            diff = compare_metadata(context, Base.metadata)
        assert diff == [], diff
        migrated = _search_objects(db.engine)
        assert len(migrated) == (16 if db.engine.dialect.name == "sqlite" else 2), migrated
        downgrade(revision="base")
        remaining = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        assert _search_objects(db.engine) == {}
        # A schema built from the models (as the tests build theirs) has the same search objects.
        Base.metadata.create_all(db.engine)
        assert _search_objects(db.engine) == migrated
        Base.metadata.drop_all(db.engine)
        assert _search_objects(db.engine) == {}
        upgrade()
        assert "users" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_search_migration_indexes_the_rows_already_there(empty_database_url, tmp_path):
    """Postings written before the search-index migration are found through the index after it."""
    from marketplace.postings.search import PostingFilters

    app = create_app(make_config(25, SQLALCHEMY_DATABASE_URI=empty_database_url))
    app.instance_path = str(tmp_path)
    with app.app_context():
        upgrade(revision="b1e4c7d9a2f3")  # the search migration's down_revision
        db.session.execute(sa.text(
            "INSERT INTO prefectures (code, name_ja, name_en, region_ja, region_en) "
            "VALUES ('39', '高知県', 'Kochi', '四国', 'Shikoku')"))
        db.session.execute(sa.text(
            "INSERT INTO organisations (id, name, kind, prefecture_code, verified, created_at) "
            "VALUES (1, '高知市', 'MUNICIPALITY', '39', TRUE, CURRENT_TIMESTAMP)"))
        for i, text in enumerate(("ガバメントクラウド移行の支援", "観光客向けの新サービス", "ｶﾞﾊﾞﾒﾝﾄ研修")):
            db.session.execute(sa.text(
                "INSERT INTO postings (id, organisation_id, scheme, posting_type, title, description, "
                "prefecture_code, remote, filled, skills, categories, details, confidential, status, "
                "review_comment, categories_key, search_text, created_at, updated_at, published_at) VALUES "
                "(:id, 1, 'side_job', 'project', :t, :d, '39', 'onsite', 0, '[]', '[]', '{}', '{}', 'PUBLISHED', "
                "'', '', :s, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"id": i + 1, "t": text, "d": text, "s": text.lower()})
        db.session.commit()
        upgrade()

        def found(q: str) -> list[int]:
            return [p.id for p in db.session.scalars(PostingFilters(q=q).query())]

        assert found("ガバメント") == [1]
        assert found("ｶﾞﾊﾞﾒﾝﾄ") == [1]  # the query is normalised; row 3 was stored here without NFKC
        assert found("観光客") == [2]
        if db.engine.dialect.name == "sqlite":
            count = db.session.scalar(sa.text("SELECT count(*) FROM postings_fts WHERE postings_fts MATCH '\"ガバメ\"'"))
            assert count == 1
        db.session.remove()


def test_field_visibility_starts_from_the_profile_level_choice(empty_database_url, tmp_path):
    """Nobody sees more after the migration than before: each field starts from the single old choice."""
    app = create_app(make_config(25, SQLALCHEMY_DATABASE_URI=empty_database_url))
    app.instance_path = str(tmp_path)
    with app.app_context():
        upgrade(revision="e1f2a3b4c5d6")  # the field-visibility migration's down_revision
        with db.engine.begin() as conn:
            for number, old in enumerate(("COORDINATORS", "VERIFIED_ORGS", "PUBLIC_SUMMARY"), start=1):
                conn.execute(sa.text(
                    "INSERT INTO users (id, email, password_hash, role, display_name, locale, session_token, active,"
                    " created_at) VALUES (:id, :email, 'x', 'CANDIDATE', :name, 'ja', :token, :yes, :now)"),
                    {"id": number, "email": f"c{number}@example.jp", "name": f"名前{number}号",
                     "token": f"t{number}", "yes": True, "now": "2026-01-01 00:00:00"})
                conn.execute(sa.text(
                    "INSERT INTO candidate_profiles (id, user_id, work_prefectures, remote, employment_forms, skills,"
                    " qualifications, other_qualifications, self_intro, phone, visibility, search_text, updated_at)"
                    " VALUES (:id, :id, '[]', 'either', '[]', '[\"自治体dx\"]', '[]', '', '自己紹介です', '090', :old,"
                    " :text, :now)"), {"id": number, "old": old, "text": f"名前{number}号 自己紹介です 自治体dx",
                                       "now": "2026-01-01 00:00:00"})
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT visibility, name_visibility, contact_visibility, career_visibility, intro_visibility,"
                " search_text FROM candidate_profiles ORDER BY id")).all()
        assert [tuple(r[:5]) for r in rows] == [
            ("COORDINATORS", "COORDINATORS", "INTRODUCED", "COORDINATORS", "COORDINATORS"),
            ("VERIFIED_ORGS", "VERIFIED_ORGS", "INTRODUCED", "VERIFIED_ORGS", "VERIFIED_ORGS"),
            ("PUBLIC_SUMMARY", "COORDINATORS", "INTRODUCED", "PUBLIC", "PUBLIC"),
        ]
        # the "public summary" profile never showed its name: a keyword search no longer finds it by the name
        assert "名前1号" in rows[0][5] and "名前2号" in rows[1][5] and "名前3号" not in rows[2][5]
        assert all("自己紹介です" in r[5] and "自治体dx" in r[5] for r in rows)
        db.engine.dispose()
