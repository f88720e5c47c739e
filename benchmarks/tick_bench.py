"""Scheduler tick: how long the reminders due job takes with many future appointments.

On a fresh SQLite database: N future appointments, each with its reminders not yet due (two
per mentee plus the no-answer alert), and D reminders due now. One measured run is one tick
of the reminders job, in its own transaction: claim the due rows by the (status, due_at)
index, load what rendering needs, render each reminder in its recipient's language and
timezone, queue it in the outbox, mark it done, commit. Between runs the due reminders are
put back and their outbox rows removed (not timed).

With `--whole`, one measured run is the scheduler's whole tick as the bot runs it
(`bot.jobs.tick`: concern escalations, overdue help requests, reminders, progress report
requests and their reminders, each in batches of its own transactions), with no time budget,
so that it ends when nothing is due. `--database` runs it on PostgreSQL (a database whose name
has "bench" or "test": its schema is dropped first).

    .venv/bin/python benchmarks/tick_bench.py
    .venv/bin/python benchmarks/tick_bench.py --future 0 --due 100   # the same tick, no future
    .venv/bin/python benchmarks/tick_bench.py --whole --due 100
    .venv/bin/python benchmarks/tick_bench.py --whole --due 5000 --database postgresql+asyncpg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, insert, select, text, update

from bot import jobs
from bot.clock import ManualClock
from bot.config import Settings
from bot.notifications import bus
from bot.runtime import Runtime
from bot.services.appointments import reminders
from storage.db import Database
from storage.migrate import upgrade
from storage.models import (
    Appointment,
    AppointmentStatus,
    Consent,
    Family,
    JobStatus,
    Match,
    MatchMentor,
    MatchStatus,
    Organisation,
    OutboxMessage,
    Person,
    Reminder,
    ReminderKind,
    Role,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LOCALES = ("ar", "es", "uk", "fa", "en", "fr")
CHUNK = 5000


async def seed(
    db: Database,
    future: int,
    due: int,
    families: int,
    now: datetime = NOW,
    started_days_ago: int = 60,
) -> list[int]:
    """Returns the ids of the due reminders. `now` is the seeded programme's present (the
    appointments start two days later); its matches started `started_days_ago` days before."""
    async with db.transaction() as s:
        org = Organisation(name="Bench", timezone="Europe/Madrid", locale="es", created_at=now)
        s.add(org)
        await s.flush()
        worker = Person(organisation_id=org.id, role=Role.WORKER, name="Wendy", created_at=now)
        s.add(worker)
        await s.flush()
        people, fams = [], []
        for i in range(families):
            fams.append({"organisation_id": org.id, "name": f"Family {i}", "created_at": now})
        await s.execute(insert(Family), fams)
        family_ids = list((await s.execute(select(Family.id).order_by(Family.id))).scalars())
        for i, family_id in enumerate(family_ids):
            people.append({
                "organisation_id": org.id, "role": Role.MENTEE, "name": f"Mentee {i}",
                "locale": LOCALES[i % len(LOCALES)], "family_id": family_id,
                "telegram_id": 10_000_000 + i, "consent": Consent.GIVEN, "created_at": now,
                "timezone": "Atlantic/Canary" if i % 7 == 0 else None,
            })  # fmt: skip
            people.append({
                "organisation_id": org.id, "role": Role.MENTOR, "name": f"Mentor {i}",
                "locale": LOCALES[(i + 1) % len(LOCALES)], "telegram_id": 20_000_000 + i,
                "consent": Consent.GIVEN, "created_at": now,
            })  # fmt: skip
        await s.execute(insert(Person), people)
        mentees = dict(
            (
                await s.execute(
                    select(Person.family_id, Person.id).where(Person.role == Role.MENTEE)
                )
            ).all()
        )
        mentors = list(
            (
                await s.execute(
                    select(Person.id).where(Person.role == Role.MENTOR).order_by(Person.id)
                )
            ).scalars()
        )
        started_on = (now - timedelta(days=started_days_ago)).date()
        await s.execute(insert(Match), [
            {"organisation_id": org.id, "family_id": f, "worker_id": worker.id,
             "status": MatchStatus.ACTIVE, "started_on": started_on, "created_at": now}
            for f in family_ids
        ])  # fmt: skip
        matches = list(
            (await s.execute(select(Match.id, Match.family_id).order_by(Match.id))).all()
        )
        await s.execute(insert(MatchMentor), [
            {"match_id": m, "mentor_id": mentors[i]} for i, (m, _) in enumerate(matches)
        ])  # fmt: skip

        async def appointments_and_reminders(
            count: int, start: datetime, step: timedelta, due_now: bool
        ) -> None:
            first_id = (
                await s.execute(select(func.coalesce(func.max(Appointment.id), 0)))
            ).scalar_one()
            for offset in range(0, count, CHUNK):
                rows, rems = [], []
                for k in range(offset, min(count, offset + CHUNK)):
                    match_id, family_id = matches[k % len(matches)]
                    starts = start + step * k
                    appointment_id = first_id + k + 1
                    rows.append({
                        "id": appointment_id, "match_id": match_id,
                        "created_by_id": mentors[(match_id - 1) % len(mentors)],
                        "starts_at": starts, "duration_minutes": 60,
                        "place": f"Library, room {k % 9}", "status": AppointmentStatus.PLANNED,
                        "sequence": 0, "created_at": now, "updated_at": now,
                    })  # fmt: skip
                    person = mentees[family_id]
                    offsets = [120] if due_now else [1440, 120]
                    for minutes in offsets:
                        rems.append({
                            "appointment_id": appointment_id, "person_id": person,
                            "kind": ReminderKind.REMINDER, "offset_minutes": minutes,
                            "due_at": now - timedelta(minutes=1) if due_now
                            else starts - timedelta(minutes=minutes),
                            "status": JobStatus.PENDING,
                        })  # fmt: skip
                    if not due_now:
                        rems.append({
                            "appointment_id": appointment_id,
                            "person_id": mentors[(match_id - 1) % len(mentors)],
                            "kind": ReminderKind.NO_ANSWER, "offset_minutes": 120,
                            "due_at": starts - timedelta(minutes=120),
                            "status": JobStatus.PENDING,
                        })  # fmt: skip
                await s.execute(insert(Appointment), rows)
                await s.execute(insert(Reminder), rems)

        # The future: from tomorrow on, one appointment every 5 minutes.
        await appointments_and_reminders(
            future, now + timedelta(days=2), timedelta(minutes=5), due_now=False
        )
        # Due now: appointments in two hours, their reminder due a minute ago.
        await appointments_and_reminders(due, now + timedelta(hours=2), timedelta(0), due_now=True)
        due_ids = list(
            (
                await s.execute(
                    select(Reminder.id).where(Reminder.due_at <= now).order_by(Reminder.id)
                )
            ).scalars()
        )
    return due_ids


async def reset(db: Database, due_ids: list[int]) -> None:
    async with db.transaction() as s:
        await s.execute(
            update(Reminder)
            .where(Reminder.id.in_(due_ids))
            .values(status=JobStatus.PENDING, done_at=None, reason=None)
        )
        await s.execute(delete(OutboxMessage))


async def one_tick(db: Database, whole: bool = False) -> tuple[float, float, int]:
    """Wall-clock and CPU milliseconds (CPU of every thread of the process, so it includes
    the SQLite driver's thread and does not depend on how busy the machine is)."""
    started, cpu = time.perf_counter(), time.process_time()
    if whole:
        done = await jobs.tick(runtime(db), NOW, budget_seconds=3600)
        handled = done["reminders"]
    else:
        async with db.transaction() as s:
            handled = await reminders.send_due(s, NOW)
            await bus.dispatch(s)  # the reminders are rendered and queued from its events
    return (
        (time.perf_counter() - started) * 1000,
        (time.process_time() - cpu) * 1000,
        handled,
    )


def runtime(db: Database) -> Runtime:
    rt = RUNTIMES.get(id(db))
    if rt is None:
        settings = Settings(token="1:bench", database_url=db.url)  # type: ignore[arg-type]
        rt = RUNTIMES[id(db)] = Runtime(settings=settings, db=db, clock=ManualClock(NOW))
    return rt


RUNTIMES: dict[int, Runtime] = {}


async def fresh_database(url: str | None, tmp: str) -> Database:
    if url is None:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}")
    else:
        if not any(word in url.rsplit("/", 1)[-1] for word in ("bench", "test")):
            raise SystemExit("refusing to empty a database whose name has neither bench nor test")
        db = Database(url)
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(db)
    return db


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--future", type=int, default=100_000, help="future appointments")
    parser.add_argument("--due", type=int, default=100, help="reminders due now")
    parser.add_argument("--families", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--whole", action="store_true", help="time the whole tick")
    parser.add_argument("--database", help="a PostgreSQL URL (default: a new SQLite file)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        db = await fresh_database(args.database, tmp)
        started = time.perf_counter()
        due_ids = await seed(db, args.future, args.due, args.families)
        async with db.transaction() as s:
            appointments = (await s.execute(select(func.count(Appointment.id)))).scalar_one()
            pending = (await s.execute(select(func.count(Reminder.id)))).scalar_one()
        print(
            f"seeded {appointments:,} appointments, {pending:,} pending reminders "
            f"({len(due_ids)} due) in {time.perf_counter() - started:.1f} s"
        )
        timings, cpu = [], []
        await one_tick(db, args.whole)  # warm-up: imports, catalogs, statement caches
        for _ in range(args.runs):
            await reset(db, due_ids)
            ms, cpu_ms, handled = await one_tick(db, args.whole)
            cpu.append(cpu_ms)
            async with db.transaction() as s:
                queued = (await s.execute(select(func.count(OutboxMessage.id)))).scalar_one()
            assert handled == len(due_ids) and queued == len(due_ids), (handled, queued)
            timings.append(ms)
        await db.dispose()
    print(
        f"{'the whole tick' if args.whole else 'one tick of the reminders job'}, "
        f"{'SQLite' if args.database is None else 'PostgreSQL'}, load average {load:.1f}, "
        f"{len(due_ids)} due reminders rendered and queued: "
        f"median {statistics.median(timings):.1f} ms "
        f"(min {min(timings):.1f}, max {max(timings):.1f}, {args.runs} runs); "
        f"CPU median {statistics.median(cpu):.1f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
