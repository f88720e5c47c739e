"""Alembic, driven from code: `mentorbot db upgrade` and the start-up schema check."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from storage.db import Database

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (about 10 MiB with what it imports) is imported only to migrate or to explain a
# mismatch: the start-up check of a database at the head reads the version row and the
# revision ids of the migration files.

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaMismatch(Exception):
    """The database's schema is not the one this code knows."""


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def upgrade(db: Database, revision: str = "head") -> None:
    from alembic import command

    def run(sync_connection: Connection) -> None:
        command.upgrade(alembic_config(sync_connection), revision)

    async with db.engine.begin() as connection:
        await connection.run_sync(run)


async def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    def read(sync_connection: Connection) -> str | None:
        return MigrationContext.configure(sync_connection).get_current_revision()

    async with db.engine.connect() as connection:
        return await connection.run_sync(read)


_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)


@lru_cache(maxsize=1)
def _files_head() -> str | None:
    """The one revision of the migration files that no other revises, read from the files'
    `revision = "..."` lines without importing them; None if that is not plain."""
    revisions, revised = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((key, value) for key, value in _REVISION.findall(path.read_text()))
        if "revision" not in found:
            return None
        revisions.add(found["revision"])
        if "down_revision" in found:
            revised.add(found["down_revision"])
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


async def _at_files_head(db: Database) -> bool:
    head = _files_head()
    if head is None:
        return False
    try:
        async with db.engine.connect() as connection:
            rows = (await connection.execute(text("SELECT version_num FROM alembic_version"))).all()
    except DBAPIError:  # no version table yet
        return False
    return [row[0] for row in rows] == [head]


async def check_schema(db: Database) -> None:
    """Refuse a database whose schema this code does not know, saying what to run."""
    if await _at_files_head(db):
        return
    from alembic.script import ScriptDirectory

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
