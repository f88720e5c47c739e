"""Scheduler under a backlog: the whole drain of N due reminders by bounded ticks, and the
worst latency of an update handled meanwhile.

A fresh database holds N appointments two hours ahead, each with its reminder due now (the
seed of `tick_bench.py`). The scheduler's loop runs as it does in the bot (`bot.jobs.Ticker`:
ticks with a time budget, the next one a moment later while work is left) until every reminder
is queued. Meanwhile a stand-in for update handling runs a short read-then-write transaction
(find the person by Telegram id, write to their row) every 10 ms, as a handler does, on the
same event loop and database. Its latency counts from the moment it should have started (so a
blocked event loop counts too) until its transaction committed.

    .venv/bin/python benchmarks/tick_latency.py --due 5000
    .venv/bin/python benchmarks/tick_latency.py --due 50000
    .venv/bin/python benchmarks/tick_latency.py --due 5000 --database-url postgresql+asyncpg://…
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select, text, update
from tick_bench import NOW, seed

from bot import jobs
from bot.clock import ManualClock
from bot.config import Settings
from bot.runtime import Runtime
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Base, JobStatus, OutboxMessage, Person, Reminder


async def probe(db: Database, stop: asyncio.Event, every: float, out: list[float]) -> None:
    """An update every `every` seconds: latency from when it should start to its commit."""
    due = time.perf_counter()
    telegram_id = 10_000_000
    while not stop.is_set():
        due += every
        pause = due - time.perf_counter()
        if pause > 0:
            await asyncio.sleep(pause)
        async with db.transaction() as s:
            person = (
                await s.execute(select(Person).where(Person.telegram_id == telegram_id))
            ).scalar_one()
            await s.execute(update(Person).where(Person.id == person.id).values(reachable=True))
        out.append(time.perf_counter() - due)
        telegram_id = 10_000_000 + (telegram_id + 1) % 1000
        due = max(due, time.perf_counter())


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--due", type=int, default=5000, help="reminders due now")
    parser.add_argument("--budget", type=float, default=jobs.BUDGET_SECONDS)
    parser.add_argument("--batch", type=int, default=jobs.BATCH)
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL database (emptied!)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        db = Database(url)
        await upgrade(db)
        if not db.is_sqlite:
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            async with db.engine.begin() as conn:
                await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        started = time.perf_counter()
        await seed(db, 0, args.due, 1000)
        print(f"seeded {args.due:,} due reminders in {time.perf_counter() - started:.1f} s")
        rt = Runtime(
            settings=Settings(token="1:x", database_url=url),  # type: ignore[arg-type]
            db=db,
            clock=ManualClock(NOW),
        )
        latencies: list[float] = []
        tick_seconds: list[float] = []
        rt.extras["metrics.tick"] = tick_seconds.append
        stop = asyncio.Event()
        prober = asyncio.create_task(probe(db, stop, 0.01, latencies))
        await asyncio.sleep(0.2)  # a few updates before the backlog
        ticker = jobs.Ticker(
            rt, 20.0, first=0, budget_seconds=args.budget, batch=args.batch, backlog_pause=0.2
        )
        started = time.perf_counter()
        ticker.start()
        async with db.transaction() as s:
            pending = select(func.count(Reminder.id)).where(Reminder.status == JobStatus.PENDING)
            left = (await s.execute(pending)).scalar_one()
        while left:
            await asyncio.sleep(0.5)
            async with db.transaction() as s:
                left = (await s.execute(pending)).scalar_one()
        drained = time.perf_counter() - started
        await ticker.stop()
        stop.set()
        await prober
        async with db.transaction() as s:
            queued = (
                await s.execute(
                    select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "reminder")
                )
            ).scalar_one()
        assert queued == args.due, queued
        await db.dispose()
    lat = sorted(latencies)
    print(
        f"{args.due:,} due reminders drained in {drained:.1f} s by {len(tick_seconds)} ticks "
        f"(budget {args.budget:.1f} s, batch {args.batch}); tick median "
        f"{statistics.median(tick_seconds) * 1000:.0f} ms, longest "
        f"{max(tick_seconds) * 1000:.0f} ms"
    )
    print(
        f"{len(lat)} updates meanwhile: latency median {statistics.median(lat) * 1000:.1f} ms, "
        f"p99 {lat[int(len(lat) * 0.99)] * 1000:.1f} ms, worst {lat[-1] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
