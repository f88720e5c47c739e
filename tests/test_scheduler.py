"""The scheduler cannot stall: bounded ticks that leave the rest to the next one, a wall clock
that jumps forward or back (each reminder and each escalation once, or skipped with its
reason), and a ticking loop that a failing or overrunning tick does not stop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from bot import jobs
from bot.clock import ManualClock
from bot.config import Settings
from bot.runtime import Runtime
from bot.services import appointments, concerns
from bot.services.appointments import reminders
from storage.db import Database
from storage.models import (
    ConcernCategory,
    ConcernEvent,
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
    ReportRequest,
    Role,
    Severity,
)
from tests.conftest import dispatching
from tests.factories import building

TUESDAY_1730 = datetime(2026, 3, 3, 16, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_time_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tick's 2 s budget of work would, on a busy machine, end a tick before the work a test
    counts on; the tests that are about bounds pass `max_batches` or a budget of their own."""
    monkeypatch.setattr(jobs.ticks, "BUDGET_SECONDS", 120.0)


@pytest.fixture
def rt(db: Database, clock: ManualClock) -> Runtime:
    return Runtime(settings=Settings(token="1:x", database_url=db.url), db=db, clock=clock)  # type: ignore[arg-type]


async def count(db: Database, query: object) -> int:
    async with dispatching(db) as s:
        return int((await s.execute(query)).scalar_one())  # type: ignore[call-overload]


# --- bounded ticks ------------------------------------------------------------------------


async def seed_matches(db: Database, now: datetime, n: int) -> None:
    """`n` active matches started 60 days ago, one linked mentor each: all due a report."""
    async with dispatching(db) as s:
        # Quiet-match alerts are not measured here: none is due at 60 days.
        org = Organisation(
            name="Big",
            timezone="Europe/Madrid",
            locale="es",
            quiet_days=[90, 120, 180],
            created_at=now,
        )
        s.add(org)
        await s.flush()
        worker = Person(organisation_id=org.id, role=Role.WORKER, name="W", created_at=now)
        s.add(worker)
        await s.flush()
        await s.execute(
            insert(Family),
            [{"organisation_id": org.id, "name": f"F{i}", "created_at": now} for i in range(n)],
        )
        await s.execute(
            insert(Person),
            [
                {
                    "organisation_id": org.id,
                    "role": Role.MENTOR,
                    "name": f"M{i}",
                    "locale": ("ar", "es", "uk", "en")[i % 4],
                    "telegram_id": 50_000_000 + i,
                    "consent": Consent.GIVEN,
                    "created_at": now,
                }
                for i in range(n)
            ],
        )
        families = list((await s.execute(select(Family.id).order_by(Family.id))).scalars())
        mentors = list(
            (
                await s.execute(
                    select(Person.id).where(Person.role == Role.MENTOR).order_by(Person.id)
                )
            ).scalars()
        )
        started = (now - timedelta(days=60)).date()
        await s.execute(
            insert(Match),
            [
                {
                    "organisation_id": org.id,
                    "family_id": f,
                    "worker_id": worker.id,
                    "status": MatchStatus.ACTIVE,
                    "started_on": started,
                    "created_at": now,
                }
                for f in families
            ],
        )
        matches = list((await s.execute(select(Match.id).order_by(Match.id))).scalars())
        await s.execute(
            insert(MatchMentor),
            [{"match_id": m, "mentor_id": p} for m, p in zip(matches, mentors, strict=True)],
        )


async def test_5000_due_reports_are_asked_over_several_bounded_ticks(
    db: Database, clock: ManualClock, rt: Runtime
) -> None:
    await seed_matches(db, clock.now(), 5000)
    per_tick: list[int] = []
    for _ in range(20):
        done = await jobs.tick(rt, batch=250, max_batches=4)
        per_tick.append(done["report_requests"])
        if not jobs.state_of(rt).last_left_work:
            break
        clock.advance(timedelta(seconds=20))
    # At most 4 batches of 250 a tick: the work is spread over several ticks, none lost.
    assert all(n <= 1000 for n in per_tick), per_tick
    assert len(per_tick) >= 5 and sum(per_tick) == 5000, per_tick
    assert not jobs.state_of(rt).last_left_work
    requests = await count(db, select(func.count(ReportRequest.id)))
    outbox = await count(db, select(func.count(func.distinct(OutboxMessage.dedupe_key))))
    assert (requests, outbox) == (5000, 5000)
    # Nothing is asked twice: the next tick finds nothing due.
    clock.advance(timedelta(seconds=20))
    assert (await jobs.tick(rt))["report_requests"] == 0
    assert await count(db, select(func.count(OutboxMessage.id))) == 5000


async def test_the_walk_over_matches_skips_those_not_due_and_goes_on_next_tick(
    db: Database, clock: ManualClock, rt: Runtime
) -> None:
    await seed_matches(db, clock.now(), 60)
    async with dispatching(db) as s:  # every other match was asked yesterday: not due
        odd = (await s.execute(select(Match.id).where(Match.id % 2 == 1))).scalars().all()
        for match_id in odd:
            mentor = (
                await s.execute(
                    select(MatchMentor.mentor_id).where(MatchMentor.match_id == match_id)
                )
            ).scalar_one()
            s.add(
                ReportRequest(
                    match_id=match_id,
                    mentor_id=mentor,
                    requested_at=clock.now() - timedelta(days=1),
                    remind_at=None,
                    status=JobStatus.PENDING,
                )
            )
    per_tick = []
    for _ in range(30):
        per_tick.append((await jobs.tick(rt, batch=4, max_batches=1))["report_requests"])
        if not jobs.state_of(rt).last_left_work:
            break
    assert sum(per_tick) == 30 and max(per_tick) <= 4, per_tick
    asked = await count(
        db,
        select(func.count(func.distinct(ReportRequest.match_id))).where(
            ReportRequest.requested_at == clock.now()
        ),
    )
    assert asked == 30
    assert (await jobs.tick(rt))["report_requests"] == 0


async def test_a_failing_job_does_not_stop_the_others(
    db: Database, clock: ManualClock, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_matches(db, clock.now(), 3)

    async def broken(*_args: object) -> int:
        raise RuntimeError("boom")

    real = jobs.due_jobs
    monkeypatch.setattr(jobs.ticks, "due_jobs", lambda: [("broken", broken), *real()])
    done = await jobs.tick(rt)
    assert done["broken"] == -1 and done["report_requests"] == 3
    assert jobs.state_of(rt).failures == 1


# --- wall-clock jumps ---------------------------------------------------------------------


async def appointment_world(db: Database, clock: ManualClock) -> int:
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, "Wendy")
        ana = await b.person(org, Role.MENTOR, "Ana", telegram_id=3001)
        family = await b.family(org, "Haddad")
        await b.person(org, Role.MENTEE, "Amira", telegram_id=3003, locale="ar", family=family)
        match = await b.match(family, [ana], worker)
    async with dispatching(db) as s:
        view = await appointments.create(
            s, ana, match.id, TUESDAY_1730, "Café Central", None, clock.now()
        )
    return view.id


async def reminder_rows(db: Database) -> list[Reminder]:
    async with dispatching(db) as s:
        return list((await s.execute(select(Reminder).order_by(Reminder.id))).scalars())


async def reminders_queued(db: Database) -> list[str | None]:
    async with dispatching(db) as s:
        rows = await s.execute(
            select(OutboxMessage.dedupe_key)
            .where(OutboxMessage.kind.in_(["reminder", "no_answer"]))
            .order_by(OutboxMessage.id)
        )
        return list(rows.scalars())


async def test_clock_jumps_forward_past_the_appointment_then_back(
    db: Database, clock: ManualClock, rt: Runtime
) -> None:
    await appointment_world(db, clock)
    assert len(await reminder_rows(db)) == 3  # 24 h and 2 h before, and the no-answer alert
    clock.set(TUESDAY_1730 + timedelta(hours=3))  # forward, past the appointment
    await jobs.tick(rt)
    rows = await reminder_rows(db)
    assert [(r.status, r.reason) for r in rows] == [(JobStatus.SKIPPED, reminders.PASSED)] * 3
    clock.set(TUESDAY_1730 - timedelta(days=1, hours=1))  # back, before everything was due
    await jobs.tick(rt)
    clock.set(TUESDAY_1730 - timedelta(minutes=30))  # forward again, everything due
    await jobs.tick(rt)
    assert await reminders_queued(db) == []
    assert [r.status for r in await reminder_rows(db)] == [JobStatus.SKIPPED] * 3


async def test_clock_jumps_forward_then_back_sends_each_reminder_once(
    db: Database, clock: ManualClock, rt: Runtime
) -> None:
    await appointment_world(db, clock)
    # Forward to 90 minutes before: the 24 h reminder is superseded by the 4 h one, sent once,
    # and the no-answer alert goes to the mentor.
    clock.set(TUESDAY_1730 - timedelta(minutes=90))
    await jobs.tick(rt)
    rows = await reminder_rows(db)
    assert sorted((r.offset_minutes, r.kind.value, r.status, r.reason) for r in rows) == [
        (120, "no_answer", JobStatus.DONE, None),
        (240, "reminder", JobStatus.DONE, "sent late"),
        (1440, "reminder", JobStatus.SKIPPED, reminders.SUPERSEDED),
    ]
    sent = await reminders_queued(db)
    assert len(sent) == 2
    # Back by a day, then forward again, tick after tick: nothing is sent again.
    for moment in (
        TUESDAY_1730 - timedelta(days=1, hours=2),
        TUESDAY_1730 - timedelta(days=1),
        TUESDAY_1730 - timedelta(minutes=100),
        TUESDAY_1730 - timedelta(minutes=10),
    ):
        clock.set(moment)
        await jobs.tick(rt)
    assert await reminders_queued(db) == sent


async def test_clock_jumps_escalate_a_concern_once(
    db: Database, clock: ManualClock, rt: Runtime
) -> None:
    ids = iter(range(7001, 7100))
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, "Wendy", telegram_id=next(ids))
        await b.person(org, Role.COORDINATOR, "Carme", telegram_id=next(ids))
        await b.person(org, Role.ADMIN, "Ada", telegram_id=next(ids))
        mentor = await b.person(org, Role.MENTOR, "Marta", telegram_id=next(ids))
        family = await b.family(org, "Haddad")
        match = await b.match(family, [mentor], worker)
    raised_at = clock.now()
    async with dispatching(db) as s:
        found = await s.get(Person, mentor.id)
        assert found is not None
        raised = await concerns.raise_concern(
            s, raised_at, found, match.id, ConcernCategory.WELLBEING, "Not well", Severity.HIGH
        )

    async def escalations() -> list[tuple[int | None, int | None]]:
        async with dispatching(db) as s:
            rows = await s.execute(
                select(ConcernEvent.detail)
                .where(ConcernEvent.concern_id == raised.concern_id)
                .where(ConcernEvent.kind == "escalated")
                .order_by(ConcernEvent.id)
            )
            return [(d.get("from_level"), d.get("to_level")) for d in rows.scalars()]

    clock.set(raised_at + timedelta(hours=5))  # forward past the 4 h deadline
    await jobs.tick(rt)
    assert await escalations() == [(0, 1)]
    clock.set(raised_at - timedelta(hours=2))  # back
    await jobs.tick(rt)
    clock.set(raised_at + timedelta(hours=5))  # forward to the same moment again
    await jobs.tick(rt)
    assert await escalations() == [(0, 1)]
    clock.set(raised_at + timedelta(hours=9, minutes=1))  # the coordinators' 4 h pass
    await jobs.tick(rt)
    assert await escalations() == [(0, 1), (1, 2)]


# --- the ticking loop ---------------------------------------------------------------------


@pytest.fixture
async def ticks(rt: Runtime) -> AsyncIterator[list[str]]:
    seen: list[str] = []
    yield seen
    ticker = rt.extras.pop("ticker", None)
    if isinstance(ticker, jobs.Ticker):
        await ticker.stop()


async def test_a_tick_that_fails_or_overruns_never_stops_the_next(
    rt: Runtime, ticks: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old job queue skipped a tick that found the previous one still running ("maximum
    number of running instances reached") and, after a clock jump, never ticked again."""
    calls = 0
    hang = asyncio.Event()

    async def fake_tick(_rt: Runtime, **_kw: object) -> dict[str, int]:
        nonlocal calls
        calls += 1
        ticks.append(f"tick {calls}")
        if calls == 1:
            raise RuntimeError("database went away")
        if calls == 2:
            await hang.wait()  # never set: cut off by the hard timeout
        return {}

    monkeypatch.setattr(jobs.ticker, "tick", fake_tick)
    ticker = jobs.Ticker(rt, 0.001, first=0, hard_timeout=0.05)
    rt.extras["ticker"] = ticker
    ticker.start()
    async with asyncio.timeout(5):
        while calls < 4:  # noqa: ASYNC110 (waiting for ticks, with a deadline)
            await asyncio.sleep(0.001)
    await ticker.stop()
    assert ticks[:4] == ["tick 1", "tick 2", "tick 3", "tick 4"]


def test_batches_shrink_on_a_slow_machine_and_grow_back() -> None:
    size, sizes = 100, []
    for seconds in (0.2, 0.2, 0.2, 0.04, 0.01, 0.01, 0.01):
        size = jobs.next_size(size, seconds, 0.05, 100)
        sizes.append(size)
    assert sizes == [50, 25, jobs.MIN_BATCH, 20, 40, 80, 100]
    assert jobs.next_size(5, 1.0, 0.05, 100) == jobs.MIN_BATCH
    assert jobs.next_size(96, 0.0, 0.05, 100) == 100


async def test_the_ticker_adapts_batch_sizes(db: Database, clock: ManualClock, rt: Runtime) -> None:
    await seed_matches(db, clock.now(), 50)
    # Batches "slower" than a target of ~0 s halve at every batch, down to the minimum.
    done = await jobs.tick(rt, batch=40, batch_seconds=1e-9)
    assert done["report_requests"] == 50
    assert jobs.state_of(rt).sizes["report_requests"] == jobs.MIN_BATCH == 20


async def test_the_walk_over_every_match_starts_at_most_once_an_hour(
    db: Database, clock: ManualClock, rt: Runtime
) -> None:
    """Between two walks for due progress reports a tick reads no match: a match due since
    the last walk is asked for at the next walk, within the hour."""
    assert (await jobs.tick(rt))["report_requests"] == 0  # a walk over no match
    await seed_matches(db, clock.now(), 3)  # all three due now
    clock.advance(timedelta(minutes=59))
    assert (await jobs.tick(rt))["report_requests"] == 0  # resting
    clock.advance(timedelta(minutes=1))
    assert (await jobs.tick(rt))["report_requests"] == 3
    clock.advance(timedelta(minutes=5))
    assert (await jobs.tick(rt))["report_requests"] == 0


async def test_after_each_tick_freed_memory_goes_back_to_the_system(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    order: list[str] = []
    two_trims = asyncio.Event()

    async def fake_tick(_rt: Runtime, **_kw: object) -> dict[str, int]:
        order.append("tick")
        return {}

    def fake_trim(pad: int) -> None:
        order.append(f"trim {pad}")
        if order.count("trim 0") == 2:
            two_trims.set()

    monkeypatch.setattr(jobs.ticker, "tick", fake_tick)
    monkeypatch.setattr(jobs.ticker, "_MALLOC_TRIM", fake_trim)
    ticker = jobs.Ticker(rt, 0.001, first=0)
    ticker.start()
    await asyncio.wait_for(two_trims.wait(), 5)
    await ticker.stop()
    assert order[:4] == ["tick", "trim 0", "tick", "trim 0"]
    # Where the C library has no malloc_trim, nothing is called and nothing fails.
    monkeypatch.setattr(jobs.ticker, "_MALLOC_TRIM", False)
    jobs.ticker._trim()
