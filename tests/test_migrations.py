"""Migrations: an empty database is upgraded to the schema the models describe, on SQLite and
on PostgreSQL; a database whose schema this code does not know is refused, naming the command
to run."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from storage.db import Database
from storage.migrate import SchemaMismatch, check_schema, current_revision, head_revision, upgrade
from storage.models import Base
from tests.conftest import PG_URL


@pytest.fixture
async def sqlite_empty(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}")
    yield db
    await db.dispose()


@pytest.fixture
async def pg_empty() -> AsyncIterator[Database]:
    """A fresh schema of its own in the shared PostgreSQL database."""
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    schema = f"mig_{uuid.uuid4().hex[:10]}"
    admin = Database(PG_URL)
    async with admin.engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    try:
        yield db
    finally:
        await db.dispose()
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


def _differences(sync_connection: Connection) -> list[Any]:
    context = MigrationContext.configure(sync_connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(sync_connection: Connection) -> set[str]:
    return set(inspect(sync_connection).get_table_names())


async def upgrade_and_check(db: Database) -> None:
    assert await current_revision(db) is None
    with pytest.raises(SchemaMismatch, match="run `mentorbot db upgrade`"):
        await check_schema(db)

    await upgrade(db)
    await check_schema(db)  # passes
    assert await current_revision(db) == head_revision()
    async with db.engine.connect() as conn:
        tables = await conn.run_sync(_tables)
        differences = await conn.run_sync(_differences)
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert differences == []  # the migrations build exactly what the models describe

    await upgrade(db)  # running it again is harmless
    await check_schema(db)


async def test_upgrade_an_empty_sqlite_database(sqlite_empty: Database) -> None:
    await upgrade_and_check(sqlite_empty)


async def test_upgrade_an_empty_postgresql_database(pg_empty: Database) -> None:
    await upgrade_and_check(pg_empty)


async def test_an_unknown_schema_is_refused(sqlite_empty: Database) -> None:
    await upgrade(sqlite_empty)
    async with sqlite_empty.engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = 'fffffffffff0'"))
    with pytest.raises(SchemaMismatch) as refused:
        await check_schema(sqlite_empty)
    assert "newer than this mentorbot knows" in str(refused.value)
    assert "\n" not in str(refused.value)


async def test_a_database_of_something_else_is_refused(sqlite_empty: Database) -> None:
    async with sqlite_empty.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY)"))
    with pytest.raises(SchemaMismatch, match="run `mentorbot db upgrade`"):
        await check_schema(sqlite_empty)
