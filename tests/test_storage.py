"""The storage engine: SQLite's settings (WAL, foreign keys) and concurrent read-then-write
transactions through `Database.transaction()`, which must queue, not fail and not lose
updates. The concurrency test runs on PostgreSQL too when TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from bot.clock import ManualClock
from storage.db import Database
from storage.models import OutboxMessage, Person, Role
from tests.factories import building

WORKERS = 16
ROUNDS = 5  # transactions per worker


async def test_sqlite_uses_wal_and_foreign_keys(db: Database, clock: ManualClock) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite settings")
    async with db.transaction() as session:
        assert (await session.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
        assert (await session.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            session.add(
                Person(organisation_id=4242, role=Role.MENTOR, name="X", created_at=clock.now())
            )
            await session.flush()


async def test_concurrent_read_then_write_transactions_queue_and_lose_nothing(
    db: Database, clock: ManualClock
) -> None:
    """16 tasks, each running transactions that read a counter and write it plus one. On
    SQLite the read is a plain SELECT (SQLite leaves `FOR UPDATE` out): BEGIN IMMEDIATE takes
    the write lock when each transaction starts, so they queue instead of failing with
    "database is locked" when the read turns into a write. On PostgreSQL, read committed
    lets two transactions read the same value, so the counter row is read with
    `SELECT … FOR UPDATE`: the row lock makes the count exact."""
    async with building(db, clock.now()) as b:
        person = await b.person(await b.org(), Role.MENTOR)
        counter = OutboxMessage(
            person_id=person.id,
            kind="counter",
            text="",
            attempts=0,
            not_before=clock.now(),
            created_at=clock.now(),
        )
        b.session.add(counter)
        await b.session.flush()
        counter_id = counter.id

    start = asyncio.Barrier(WORKERS)

    async def worker() -> None:
        await start.wait()  # all sixteen begin together
        for _ in range(ROUNDS):
            async with db.transaction() as session:
                value = (
                    await session.execute(
                        select(OutboxMessage.attempts)
                        .where(OutboxMessage.id == counter_id)
                        .with_for_update()
                    )
                ).scalar_one()
                await asyncio.sleep(0)  # let the other tasks run between the read and the write
                row = await session.get(OutboxMessage, counter_id)
                assert row is not None
                row.attempts = value + 1

    results = await asyncio.gather(*(worker() for _ in range(WORKERS)), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], errors  # no "database is locked", no serialisation failure
    async with db.transaction() as session:
        final = await session.get(OutboxMessage, counter_id)
        assert final is not None and final.attempts == WORKERS * ROUNDS
