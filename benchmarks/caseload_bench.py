"""Staff views at scale: a page of `/matches` and a weekly digest over 5,000 matches.

Seeds one organisation with N active matches (100 workers with N/100 matches each), about ten
meetings per match over the last 16 weeks, an open concern on one match in 20, a pending
progress report on one in 10, appointments with answers on one in 5 and a help request (most
answered) on one in 4. Then times, each over
`--runs` runs (median and worst):

- the coordinator's first page of `/matches` (all matches, sorted by attention), the quiet
  filter, and the last page;
- one worker's first page (their N/100 matches);
- the mentor support signal (`/mentors`);
- the coordinator's digest: its figures only, then the whole digest with its chart drawn
  (matplotlib imported before the first run, so the import is not counted).

    .venv/bin/python benchmarks/caseload_bench.py --database postgresql+asyncpg://postgres@127.0.0.1:5432/bench
    .venv/bin/python benchmarks/caseload_bench.py              # a temporary SQLite file
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from bot.notifications import digest as digest_notices
from bot.services import caseload, checkins, digest, support
from bot.services.caseload import Filter
from storage.db import Database
from storage.migrate import upgrade
from storage.models import (
    Answer,
    Appointment,
    AppointmentAnswer,
    Base,
    CheckIn,
    CheckInHow,
    CheckInParty,
    Concern,
    ConcernCategory,
    Family,
    HelpKind,
    HelpMessage,
    HelpRequest,
    Match,
    MatchMentor,
    Meeting,
    Organisation,
    Person,
    ReportRequest,
    Role,
    Severity,
    ThreadStatus,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHUNK = 2000


async def _insert(db: Database, model: type[Base], rows: list[dict[str, object]]) -> None:
    for i in range(0, len(rows), CHUNK):
        async with db.transaction() as s:
            await s.execute(insert(model), rows[i : i + CHUNK])


async def seed(db: Database, n: int) -> tuple[int, int]:
    """Returns (the coordinator's id, a worker's id)."""
    today = NOW.date()
    async with db.transaction() as s:
        org = Organisation(name="Bench", timezone="Europe/Madrid", locale="es", created_at=NOW)
        s.add(org)
        await s.flush()
        coordinator = Person(
            organisation_id=org.id, role=Role.COORDINATOR, name="C", locale="ar", created_at=NOW
        )
        s.add(coordinator)
        workers = [
            Person(organisation_id=org.id, role=Role.WORKER, name=f"W{i}", created_at=NOW)
            for i in range(100)
        ]
        s.add_all(workers)
        await s.flush()
        org_id, coordinator_id = org.id, coordinator.id
        worker_ids = [w.id for w in workers]
    await _insert(
        db,
        Family,
        [{"organisation_id": org_id, "name": f"F{i}", "created_at": NOW} for i in range(n)],
    )
    await _insert(
        db,
        Person,
        [
            {"organisation_id": org_id, "role": Role.MENTOR, "name": f"M{i}", "created_at": NOW}
            for i in range(n)
        ],
    )
    async with db.transaction() as s:
        families = list((await s.execute(select(Family.id).order_by(Family.id))).scalars())
        mentors = list(
            (
                await s.execute(
                    select(Person.id).where(Person.role == Role.MENTOR).order_by(Person.id)
                )
            ).scalars()
        )
    await _insert(
        db,
        Match,
        [
            {
                "organisation_id": org_id,
                "family_id": families[i],
                "worker_id": worker_ids[i % 100],
                "started_on": today - timedelta(days=30 + i % 300),
                "created_at": NOW,
            }
            for i in range(n)
        ],
    )
    async with db.transaction() as s:
        matches = list((await s.execute(select(Match.id).order_by(Match.id))).scalars())
    await _insert(
        db, MatchMentor, [{"match_id": m, "mentor_id": mentors[i]} for i, m in enumerate(matches)]
    )
    meetings = []
    for i, m in enumerate(matches):
        for k in range(i % 20):  # 0-19 meetings, ~10 on average; some matches go quiet
            meetings.append(
                {
                    "match_id": m,
                    "mentor_id": mentors[i],
                    "occurred_on": today - timedelta(days=(i % 7) + 11 * k),
                    "duration_minutes": 60 + 30 * (k % 3),
                    "activities": [],
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
    await _insert(db, Meeting, meetings)
    await _insert(
        db,
        Concern,
        [
            {
                "organisation_id": org_id,
                "match_id": m,
                "raised_by_id": mentors[i],
                "category": ConcernCategory.OTHER,
                "severity": Severity.MEDIUM,
                "description": "x",
                "assigned_worker_id": worker_ids[i % 100],
                "raised_at": NOW - timedelta(days=i % 10),
            }
            for i, m in enumerate(matches)
            if i % 20 == 0
        ],
    )
    await _insert(
        db,
        ReportRequest,
        [
            {"match_id": m, "mentor_id": mentors[i], "requested_at": NOW - timedelta(days=i % 30)}
            for i, m in enumerate(matches)
            if i % 10 == 0
        ],
    )
    await _insert(
        db,
        Appointment,
        [
            {
                "match_id": m,
                "created_by_id": mentors[i],
                "starts_at": NOW + timedelta(days=(i % 11) - 5),
                "place": "p",
                "created_at": NOW,
                "updated_at": NOW,
            }
            for i, m in enumerate(matches)
            if i % 5 == 0
        ],
    )
    async with db.transaction() as s:
        appts = (await s.execute(select(Appointment.id, Appointment.created_by_id))).all()
    await _insert(
        db,
        AppointmentAnswer,
        [
            {
                "appointment_id": a,
                "person_id": p,
                "answer": (Answer.COMING, Answer.CANNOT)[a % 2],
                "answered_at": NOW - timedelta(days=1),
            }
            for a, p in appts
            if a % 3
        ],
    )
    await _insert(
        db,
        HelpRequest,
        [
            {
                "organisation_id": org_id,
                "match_id": m,
                "requester_id": mentors[i],
                "worker_id": worker_ids[i % 100],
                "kind": HelpKind.PRACTICAL,
                "status": ThreadStatus.CLOSED if i % 3 else ThreadStatus.OPEN,
                "created_at": NOW - timedelta(days=i % 120),
            }
            for i, m in enumerate(matches)
            if i % 4 == 0
        ],
    )
    async with db.transaction() as s:
        helps = (await s.execute(select(HelpRequest.id, HelpRequest.created_at))).all()
    await _insert(
        db,
        HelpMessage,
        [
            {
                "help_request_id": h,
                "author_id": worker_ids[h % 100],
                "text": "a",
                "created_at": at + timedelta(hours=h % 72),
            }
            for h, at in helps
            if h % 5
        ],
    )
    parties = list(CheckInParty)
    await _insert(
        db,
        CheckIn,
        [
            {
                "organisation_id": org_id,
                "match_id": m,
                "staff_id": worker_ids[i % 100],
                "party": parties[k % 3],
                "how": CheckInHow.PHONE,
                "occurred_on": today - timedelta(days=(i % 5) + 9 * k),
                "created_at": NOW,
            }
            for i, m in enumerate(matches)
            for k in range(i % 12)  # 0-11 staff check-ins, some matches overdue
        ],
    )
    if not db.is_sqlite:
        async with db.engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
    return coordinator_id, worker_ids[0]


async def timed(runs: int, fn: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    await fn()  # warm-up (connection, statement caches)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        await fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), max(times)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matches", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--database", help="a database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        db = Database(url)
        if not db.is_sqlite:
            async with db.engine.begin() as conn:
                await conn.run_sync(Base.metadata.drop_all)
                await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        await upgrade(db)
        began = time.perf_counter()
        coordinator_id, worker_id = await seed(db, args.matches)
        print(
            f"seeded {args.matches} matches in {time.perf_counter() - began:.1f} s ({url.split(':')[0]})"
        )

        async def page(person_id: int, **kw: object) -> object:
            async with db.transaction() as s:
                staff = await s.get(Person, person_id)
                assert staff is not None
                return await caseload.page_of(s, staff, NOW, tz="Europe/Madrid", **kw)  # type: ignore[arg-type]

        async def figures() -> object:
            async with db.transaction() as s:
                staff = await s.get(Person, coordinator_id)
                assert staff is not None
                return await digest.figures(s, staff, NOW, "Europe/Madrid")

        async def overdue_checkins() -> object:
            async with db.transaction() as s:
                staff = await s.get(Person, coordinator_id)
                assert staff is not None
                return await checkins.overdue(s, staff, NOW.date())

        async def whole_digest() -> object:
            async with db.transaction() as s:
                staff = await s.get(Person, coordinator_id)
                assert staff is not None
                return await digest_notices.compose(s, staff, NOW)

        async def mentors() -> object:
            async with db.transaction() as s:
                staff = await s.get(Person, coordinator_id)
                assert staff is not None
                return await support.signals(s, staff, NOW)

        import matplotlib.figure  # noqa: F401  (the import is not what is measured)

        first = await page(coordinator_id)
        assert isinstance(first, caseload.Page)
        cases: list[tuple[str, Callable[[], Awaitable[object]]]] = [
            ("/matches, coordinator, page 1", lambda: page(coordinator_id)),
            (
                "/matches, coordinator, quiet filter",
                lambda: page(coordinator_id, filter=Filter.QUIET),
            ),
            (
                "/matches, coordinator, last page",
                lambda: page(coordinator_id, page=first.pages - 1),
            ),
            (
                "/matches, coordinator, check-in filter",
                lambda: page(coordinator_id, filter=Filter.CHECKIN),
            ),
            ("/matches, worker, page 1", lambda: page(worker_id)),
            ("/pending check-ins overdue, coordinator", overdue_checkins),
            ("/mentors (support signal)", mentors),
            ("digest figures, coordinator", figures),
            ("digest with its chart, coordinator", whole_digest),
        ]
        for name, fn in cases:
            median, worst = await timed(args.runs, fn)
            print(f"{name:40s} median {median:7.1f} ms   worst {worst:7.1f} ms")
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
