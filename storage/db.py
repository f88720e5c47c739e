"""Engines and transactions: one session and one transaction per update or per job."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from storage import crypto, sqlite_driver

log = logging.getLogger(__name__)


def _sqlite_setup(engine: AsyncEngine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE: take the write lock when a transaction starts,
    so concurrent read-then-write transactions queue instead of failing with
    "database is locked"."""

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        sqlite_driver.adopt(dbapi_connection)  # one trip to aiosqlite's thread per statement
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        # Deleted and replaced values are overwritten with zeros, not left in free pages
        # (an erasure must not leave the erased text in the file).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


# Connections one `mentorbot run` uses at once, at most: one per update handled concurrently
# (`UPDATE_CONCURRENCY`, bot/intake/), one per chat the outbox sender serves concurrently
# (`SEND_CONCURRENCY`, bot/delivery) plus its claim, and one each for the poller (or the
# webhook), the dispatcher's loop, the scheduler's tick and /healthz. The PostgreSQL pool holds
# that many, so no task ever waits for another's connection; the overflow is for the webhook
# server's concurrent requests.
UPDATE_CONCURRENCY = 16
SEND_CONCURRENCY = 8
OTHER_CONNECTIONS = 5
POOL_SIZE = UPDATE_CONCURRENCY + SEND_CONCURRENCY + OTHER_CONNECTIONS
POOL_OVERFLOW = 5
POOL_TIMEOUT = 10.0  # seconds; a wait this long means the pool is too small: it is logged


@dataclass
class WaitStats:
    """How long transactions waited before they could start: for a pooled connection
    (PostgreSQL), or for their turn (SQLite). Read by /metrics and the benchmarks."""

    transactions: int = 0
    waited: int = 0  # transactions that waited over 10 ms
    total_seconds: float = 0.0
    longest_seconds: float = 0.0

    def observe(self, seconds: float) -> None:
        if seconds > 1.0:
            log.warning(
                "a transaction waited %.1f s for a database connection (SQLite: its turn)", seconds
            )
        self.transactions += 1
        self.total_seconds += seconds
        if seconds > 0.01:
            self.waited += 1
        if seconds > self.longest_seconds:
            self.longest_seconds = seconds


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    # A database error names its SQL; its parameters (notes, names, phone numbers) stay out
    # of the message, and so out of the logged traceback.
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            kwargs.setdefault("poolclass", StaticPool)
        engine = create_async_engine(url, **kwargs)
        _sqlite_setup(engine)
        return engine
    kwargs.setdefault("pool_size", POOL_SIZE)
    kwargs.setdefault("max_overflow", POOL_OVERFLOW)
    kwargs.setdefault("pool_timeout", POOL_TIMEOUT)
    # No ping before each transaction (a round trip per update and per scheduler batch): a
    # connection the server dropped fails its first statement, SQLAlchemy then discards every
    # pooled connection, and the failed update or batch runs again on a fresh one
    # (tests/test_pg_reconnect.py).
    return create_async_engine(url, **kwargs)


class Database:
    """The engine and a factory of transactions. With `keyring`, free texts are encrypted at
    rest (storage/crypto.py); without it they are written plain and encrypted ones cannot be
    read."""

    def __init__(
        self, url: str, *, keyring: crypto.Keyring | None = None, **engine_kwargs: Any
    ) -> None:
        self.url = url
        self.keyring = keyring
        self.engine = create_engine(url, **engine_kwargs)
        crypto.install(self.engine.sync_engine.dialect, keyring)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.waits = WaitStats()
        # SQLite has one writer, and every transaction here writes (BEGIN IMMEDIATE). Waiting
        # for SQLite's lock means its busy handler's sleeps, which a loop of short
        # transactions (the scheduler's batches) can win again and again; so transactions of
        # this process queue first, in order, on an asyncio lock (one per event loop).
        self._turns: dict[asyncio.AbstractEventLoop, asyncio.Lock] | None = (
            {} if self.is_sqlite else None
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def supports_skip_locked(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One session in one transaction: committed on success, rolled back on error. On
        SQLite, the transactions of one event loop take turns, first come first served (so
        never open one inside another)."""
        started = time.perf_counter()
        if self._turns is None:
            async with self.sessions() as session, session.begin():
                await session.connection()  # the pool's wait, measured here
                self.waits.observe(time.perf_counter() - started)
                yield session
            return
        loop = asyncio.get_running_loop()
        turn = self._turns.get(loop)
        if turn is None:
            turn = self._turns[loop] = asyncio.Lock()
        async with turn, self.sessions() as session, session.begin():
            self.waits.observe(time.perf_counter() - started)
            yield session

    def connections_in_use(self) -> int:
        """Connections checked out of the pool now (0 for SQLite's)."""
        checked_out = getattr(self.engine.pool, "checkedout", None)
        return int(checked_out()) if callable(checked_out) and not self.is_sqlite else 0

    async def ping(self) -> None:
        async with self.transaction() as session:
            await session.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
