"""Write a new migration by comparing the models with an upgraded database.

python -m storage.autogen "what changed"
python -m storage.autogen --initial      # rewrite 0001 (only before the first release)
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import Connection

from storage.db import Database
from storage.migrate import alembic_config, upgrade


async def main(message: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'autogen.sqlite3'}")
        await upgrade(db)

        def revise(sync_connection: Connection) -> None:
            command.revision(alembic_config(sync_connection), message=message, autogenerate=True)

        async with db.engine.begin() as connection:
            await connection.run_sync(revise)
        await db.dispose()


def rewrite_initial() -> None:
    versions = Path(__file__).parent / "migrations" / "versions"
    for old in versions.glob("*.py"):
        old.unlink()
    asyncio.run(main("initial schema"))
    (new,) = versions.glob("*.py")
    revision = new.name.split("_")[0]
    text = new.read_text().replace(revision, "0001")
    new.unlink()
    (versions / "0001_initial_schema.py").write_text(text)


if __name__ == "__main__":
    if sys.argv[1:] == ["--initial"]:
        rewrite_initial()
    else:
        asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "change"))
