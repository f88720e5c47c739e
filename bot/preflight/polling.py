"""One poller per bot: a second `mentorbot run` (long polling) with the same token refuses to
start instead of fighting over getUpdates."""

from __future__ import annotations

import contextlib
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.preflight.checks import describe_database
from bot.preflight.faults import Fault, PermanentFault
from storage.db import Database


class PollingLock:
    """Held for as long as this process polls Telegram for the bot: a second `mentorbot run`
    (long polling) with the same token refuses to start instead of fighting over getUpdates
    (409 Conflict). On PostgreSQL, a session advisory lock keyed on the bot's id, on a
    connection of its own (so every process on that database sees it; behind pgbouncer it needs
    a session-mode pool). On SQLite, an exclusive `flock` on a file next to the database (so
    every process on that machine sees it)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.bot_id = settings.require_token().split(":", 1)[0]
        self._db: Database | None = None
        self._connection: object | None = None
        self._file: object | None = None

    def key(self) -> int:
        import hashlib

        digest = hashlib.sha256(f"mentorbot:polling:{self.bot_id}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def _refused(self) -> PermanentFault:
        return PermanentFault(
            Fault(
                f"another mentorbot is already polling bot {self.bot_id} "
                f"({describe_database(self.settings.database_url)}): stop it first, or run "
                "several instances with --webhook",
                transient=False,
            )
        )

    async def acquire(self) -> None:
        url = make_url(self.settings.database_url)
        if url.get_backend_name() == "sqlite":
            self._lock_file(url.database or "")
            return
        from sqlalchemy.ext.asyncio import AsyncConnection

        self._db = Database(self.settings.database_url)
        connection: AsyncConnection = await self._db.engine.connect()
        got = (
            await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key()})
        ).scalar_one()
        await connection.commit()
        if not got:
            await connection.close()
            await self._db.dispose()
            self._db = None
            raise self._refused()
        self._connection = connection

    def _lock_file(self, database: str) -> None:
        import fcntl

        if database in ("", ":memory:") or database.startswith("file:"):
            database = database.removeprefix("file:").split("?", 1)[0]
        if not database or database == ":memory:":
            return
        path = Path(f"{database}.polling.lock")
        handle = path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise self._refused() from None
        self._file = handle

    async def release(self) -> None:
        if self._file is not None:
            self._file.close()  # type: ignore[attr-defined]
            self._file = None
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()  # type: ignore[attr-defined]
            self._connection = None
        if self._db is not None:
            await self._db.dispose()
            self._db = None
