"""Alembic, driven from code: `mentorbot db upgrade` and the start-up schema check."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from storage.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaMismatch(Exception):
    """The database's schema is not the one this code knows."""


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def upgrade(db: Database, revision: str = "head") -> None:
    def run(sync_connection: Connection) -> None:
        command.upgrade(alembic_config(sync_connection), revision)

    async with db.engine.begin() as connection:
        await connection.run_sync(run)


async def current_revision(db: Database) -> str | None:
    def read(sync_connection: Connection) -> str | None:
        return MigrationContext.configure(sync_connection).get_current_revision()

    async with db.engine.connect() as connection:
        return await connection.run_sync(read)


async def check_schema(db: Database) -> None:
    """Refuse a database whose schema this code does not know, saying what to run."""
    current, head = await current_revision(db), head_revision()
    if current == head:
        return
    if current is None:
        raise SchemaMismatch("the database has no mentorbot schema yet: run `mentorbot db upgrade`")
    scripts = ScriptDirectory.from_config(alembic_config())
    try:
        scripts.get_revision(current)
    except Exception:
        raise SchemaMismatch(
            f"the database schema ({current}) is newer than this mentorbot knows ({head}): "
            "upgrade mentorbot"
        ) from None
    raise SchemaMismatch(
        f"the database schema ({current}) is older than this mentorbot ({head}): "
        "run `mentorbot db upgrade`"
    )
