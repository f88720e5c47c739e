"""Progress reports on the database: authorisation, the worker's copy, the cadence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.i18n import translator
from bot.notifications import progress as notices
from bot.services import progress
from bot.services.errors import Invalid, NotAllowed
from bot.services.progress import DOMAINS, ReportEntry, outside_quiet_hours, period_due
from storage.db import Database
from storage.models import (
    JobStatus,
    Match,
    MatchStatus,
    OutboxMessage,
    Person,
    ProgressReport,
    ReportRequest,
    Role,
)
from tests.conftest import dispatching
from tests.factories import building


@dataclass
class World:
    ana: Person
    ben: Person
    carla: Person
    worker: Person
    shared: Match
    other: Match


@pytest.fixture
async def world(db: Database, clock: ManualClock) -> World:
    async with building(db, clock.now()) as b:
        org = await b.org(report_cadence_days=30)
        worker = await b.person(
            org, Role.WORKER, "Wendy", telegram_id=2001, locale="es", timezone="America/Bogota"
        )
        ana = await b.person(org, Role.MENTOR, "Ana", telegram_id=1001)
        ben = await b.person(org, Role.MENTOR, "Ben", telegram_id=1002)
        carla = await b.person(org, Role.MENTOR, "Carla", telegram_id=1003)
        # Both matches started 40 days before the clock: a report is due.
        shared = await b.match(
            await b.family(org, "Haddad"), [ana, ben], worker, started_on=date(2026, 1, 21)
        )
        other = await b.match(
            await b.family(org, "Osei"), [carla], worker, started_on=date(2026, 2, 20)
        )
        await b.match(
            await b.family(org, "Closed"),
            [ana],
            worker,
            status=MatchStatus.CLOSED,
            started_on=date(2025, 1, 1),
        )
    return World(ana, ben, carla, worker, shared, other)


def report(match: Match, **kw: object) -> ReportEntry:
    values: dict[str, object] = {
        "ratings": dict.fromkeys(DOMAINS, 3) | {"housing": 1},
        "comments": {"language": "Reads the bus timetable now"},
        "relationship": 4,
        "needs_support": True,
    }
    values.update(kw)
    return ReportEntry(match.id, **values)  # type: ignore[arg-type]


async def count(db: Database, model: type) -> int:
    async with db.transaction() as s:
        return int((await s.execute(select(func.count()).select_from(model))).scalar_one())


async def outbox(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as s:
        return list((await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


def test_rules() -> None:
    good = report(Match(id=1))
    assert progress.validate(good)["language"] == {
        "rating": 3,
        "comment": "Reads the bus timetable now",
    }
    for bad, code in [
        (report(Match(id=1), ratings={"language": 3}), "domains"),
        (report(Match(id=1), ratings=dict.fromkeys(DOMAINS, 5)), "rating"),
        (report(Match(id=1), relationship=0), "relationship"),
        (report(Match(id=1), comments={"feelings": "x"}), "domains"),
    ]:
        with pytest.raises(Invalid) as err:
            progress.validate(bad)
        assert err.value.code == code
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert not period_due(start, start + timedelta(days=29, hours=23), 30)
    assert period_due(start, start + timedelta(days=30), 30)


def test_the_workers_copy_names_the_match_by_its_plain_number() -> None:
    entry = report(Match(id=12345))
    saved = ProgressReport(
        match_id=12345, domains=progress.validate(entry), relationship=entry.relationship,
        needs_support=False, created_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    )  # fmt: skip
    for locale in ("en", "ca", "ru"):
        text = notices.render_for_worker(
            translator(locale), "Europe/Madrid", saved, "Haddad", "Ana", 12345
        )
        assert "12345" in text  # an id, as staff type it elsewhere: never "12,345"


def test_quiet_hours() -> None:
    tz = "Europe/Madrid"  # UTC+1 in March
    noon = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    assert outside_quiet_hours(noon, tz, "21:00", "08:00") == noon
    late = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)  # 23:30 local
    assert outside_quiet_hours(late, tz, "21:00", "08:00") == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
    early = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 06:00 local
    assert outside_quiet_hours(early, tz, "21:00", "08:00") == datetime(
        2026, 3, 2, 7, 0, tzinfo=UTC
    )
    assert outside_quiet_hours(late, tz, "00:00", "00:00") == late


async def test_report_reaches_the_worker_in_the_workers_language(
    db: Database, clock: ManualClock, world: World
) -> None:
    async with dispatching(db) as s:
        stored = await progress.submit(s, clock.now(), world.ana, report(world.shared))
    [msg] = await outbox(db)
    assert msg.person_id == world.worker.id and msg.kind == "progress_report"
    assert (msg.ref_type, msg.ref_id) == ("progress_report", stored.id)
    # Rendered by the worker's Translator, in the worker's timezone: 09:00 UTC is 04:00 in
    # Bogotá, and the Spanish date ("lun, 2 de marzo").
    es = translator("es")
    assert es.when(clock.now(), "America/Bogota") in msg.text
    assert "2 de marzo, 4:00" in msg.text
    assert "Haddad" in msg.text and es.number(world.shared.id) in msg.text
    assert "Reads the bus timetable now" in msg.text
    assert "1/4" in msg.text and "4/4" in msg.text  # housing rating, relationship


async def test_cannot_report_on_someone_elses_match(
    db: Database, clock: ManualClock, world: World
) -> None:
    with pytest.raises(NotAllowed):
        async with dispatching(db) as s:
            await progress.submit(s, clock.now(), world.ana, report(world.other))
    assert await count(db, ProgressReport) == 0
    assert await outbox(db) == []


async def test_cadence_asks_reminds_once_and_a_report_fulfils(
    db: Database, clock: ManualClock, world: World
) -> None:
    async with dispatching(db) as s:
        queued = await progress.ask_for_reports(s, clock.now())
    # The shared match started 40 days ago: both its mentors are asked. The other match
    # started 10 days ago; the closed one is never asked.
    assert queued == 2
    async with db.transaction() as s:
        requests = list((await s.execute(select(ReportRequest))).scalars())
    assert sorted(r.mentor_id for r in requests) == sorted([world.ana.id, world.ben.id])
    asks = await outbox(db)
    assert [m.buttons for m in asks] == [[[["Report now", f"rp:m:{world.shared.id}"]]]] * 2

    # Ticking again the same day asks nothing more.
    async with dispatching(db) as s:
        assert await progress.ask_for_reports(s, clock.now()) == 0

    # Ben reports on day 3: the match's requests are fulfilled (one report per match).
    clock.advance(timedelta(days=3))
    async with dispatching(db) as s:
        stored = await progress.submit(s, clock.now(), world.ben, report(world.shared))
        assert await progress.pending_for(s, world.ana) == []
    async with db.transaction() as s:
        statuses = {
            (r.status, r.report_id) for r in (await s.execute(select(ReportRequest))).scalars()
        }
    assert statuses == {(JobStatus.DONE, stored.id)}

    # Carla's match becomes due 30 days after its start (22 March); she ignores it and is
    # reminded once, 7 days later, and only once.
    clock.set(datetime(2026, 3, 22, 12, 0, tzinfo=UTC))
    async with dispatching(db) as s:
        assert await progress.ask_for_reports(s, clock.now()) == 1
    clock.advance(timedelta(days=6))
    async with dispatching(db) as s:
        assert await progress.ask_for_reports(s, clock.now()) == 0
    clock.advance(timedelta(days=1))
    async with dispatching(db) as s:
        assert await progress.ask_for_reports(s, clock.now()) == 1
    clock.advance(timedelta(days=2))
    async with dispatching(db) as s:
        assert await progress.ask_for_reports(s, clock.now()) == 0
        assert await progress.pending_for(s, world.carla) == [world.other.id]
    kinds = [(m.person_id, m.kind) for m in await outbox(db)]
    assert kinds[-2:] == [(world.carla.id, "report_request"), (world.carla.id, "report_reminder")]

    # A new period without a report supersedes the unanswered request.
    clock.set(datetime(2026, 4, 22, 12, 0, tzinfo=UTC))
    async with dispatching(db) as s:
        await progress.ask_for_reports(s, clock.now())
        carla_reqs = list(
            (
                await s.execute(
                    select(ReportRequest.status)
                    .where(ReportRequest.mentor_id == world.carla.id)
                    .order_by(ReportRequest.id)
                )
            ).scalars()
        )
    assert carla_reqs == [JobStatus.SKIPPED, JobStatus.PENDING]
