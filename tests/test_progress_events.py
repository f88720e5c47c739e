"""Progress reports say what happened: sending a report records `ReportSubmitted`, the
scheduler's requests and reminders record `ReportsRequested` (ids only, queuing nothing), and
the bus turns each into the same messages the service used to queue itself: the worker's copy
with the match's button (`mt:<id>`), the co-mentors' prompts, each request in its mentor's
language, held until their quiet hours end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.i18n import FSI, PDI, translator
from bot.notifications import bus
from bot.notifications import progress as notices
from bot.services import events, progress
from bot.services.progress import DOMAINS, ReportEntry
from domain.events import ReportsRequested, ReportSubmitted
from storage.db import Database
from storage.models import (
    OutboxMessage,
    OutboxStatus,
    Person,
    ProgressReport,
    ReportRequest,
    Role,
)
from tests.factories import building


@dataclass
class World:
    worker: Person
    ana: Person
    ben: Person
    carla: Person
    shared: int  # Ana and Ben's match with the Haddad family
    alone: int  # Carla's match with the Osei family


@pytest.fixture
async def world(db: Database, clock: ManualClock) -> World:
    async with building(db, clock.now()) as b:
        org = await b.org(report_cadence_days=30)
        worker = await b.person(
            org, Role.WORKER, "Wendy", telegram_id=8301, locale="es", timezone="America/Bogota"
        )
        ana = await b.person(org, Role.MENTOR, "Ana", telegram_id=8302)
        # Ben's quiet hours (09:00 to 12:00 in Madrid) hold his requests until noon.
        ben = await b.person(
            org, Role.MENTOR, "Ben", telegram_id=8303, locale="uk",
            quiet_start="09:00", quiet_end="12:00",
        )  # fmt: skip
        carla = await b.person(org, Role.MENTOR, "Carla", telegram_id=8304)
        shared = await b.match(
            await b.family(org, "Haddad"), [ana, ben], worker, started_on=date(2026, 1, 21)
        )
        alone = await b.match(
            await b.family(org, "Osei"), [carla], worker, started_on=date(2026, 1, 25)
        )
    return World(worker, ana, ben, carla, shared.id, alone.id)


def _entry(match_id: int) -> ReportEntry:
    return ReportEntry(match_id, dict.fromkeys(DOMAINS, 3), relationship=4, needs_support=True)


async def _outbox(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as s:
        return list((await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def _requests(db: Database) -> dict[int, int]:
    """Each mentor's request id."""
    async with db.transaction() as s:
        found = await s.execute(select(ReportRequest.mentor_id, ReportRequest.id))
        return {mentor_id: request_id for mentor_id, request_id in found}


async def test_the_batch_records_the_requests_and_the_bus_asks_each_mentor(
    db: Database, clock: ManualClock, world: World
) -> None:
    now = clock.now()  # 10:00 in Madrid: inside Ben's quiet hours
    async with db.transaction() as s:
        assert await progress.request_batch(s, now, 0, 100) == (3, None)
        [recorded] = events.recorded(s)
        assert await s.scalar(select(OutboxMessage.id)) is None  # the service queued nothing
        await bus.dispatch(s)
    ids = await _requests(db)
    assert recorded == ReportsRequested((ids[world.ana.id], ids[world.ben.id], ids[world.carla.id]))
    ana, ben, carla = await _outbox(db)
    assert [(m.person_id, m.kind, m.ref_type, m.ref_id) for m in (ana, ben, carla)] == [
        (world.ana.id, "report_request", "report_request", ids[world.ana.id]),
        (world.ben.id, "report_request", "report_request", ids[world.ben.id]),
        (world.carla.id, "report_request", "report_request", ids[world.carla.id]),
    ]
    assert ana.dedupe_key == f"report_request:{ids[world.ana.id]}:0"
    # The same words as before, the team named; one of you is enough.
    assert ana.text == (
        f"It is time for a progress report on the {FSI}Haddad{PDI} family: one report for the "
        f"team. {FSI}Ben{PDI} can send it too; one of you is enough."
    )
    assert carla.text == (
        f"It is time for a progress report on the {FSI}Osei{PDI} family. "
        "It takes a few minutes, with buttons."
    )
    assert ana.buttons == [[["Report now", f"rp:m:{world.shared}"]]]
    assert carla.buttons == [[["Report now", f"rp:m:{world.alone}"]]]
    # Ben reads his in Ukrainian, once his quiet hours end (12:00 in Madrid, 11:00 UTC).
    uk = translator("uk")
    assert ben.text == notices.request_text(uk, "Haddad", ["Ana"], reminder=False)
    assert ben.buttons == [[[uk.gettext("Report now"), f"rp:m:{world.shared}"]]]
    assert ana.not_before == now and carla.not_before == now
    assert ben.not_before == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)


async def test_the_reminder_is_recorded_once_and_reads_as_before(
    db: Database, clock: ManualClock, world: World
) -> None:
    async with db.transaction() as s:
        await progress.request_batch(s, clock.now(), 0, 100)
        await bus.dispatch(s)
    later = clock.now() + progress.REMIND_AFTER
    async with db.transaction() as s:
        assert await progress.remind_batch(s, later, 100) == (3, False)
        [recorded] = events.recorded(s)
        await bus.dispatch(s)
    ids = await _requests(db)
    assert recorded == ReportsRequested(
        (ids[world.ana.id], ids[world.ben.id], ids[world.carla.id]), reminder=True
    )
    reminders = [m for m in await _outbox(db) if m.kind == "report_reminder"]
    assert [m.person_id for m in reminders] == [world.ana.id, world.ben.id, world.carla.id]
    ana, _ben, carla = reminders
    assert ana.text == (
        f"A reminder: the programme is waiting for the team's progress report on the "
        f"{FSI}Haddad{PDI} family. {FSI}Ben{PDI} can send it too; one of you is enough."
    )
    assert carla.text == (
        f"A reminder: the programme is waiting for your progress report on the {FSI}Osei{PDI} "
        "family. It takes a few minutes."
    )
    assert ana.dedupe_key == f"report_request:{ids[world.ana.id]}:1"
    async with db.transaction() as s:
        assert await progress.remind_batch(s, later + timedelta(days=1), 100) == (0, False)
        assert events.recorded(s) == []


async def test_a_mentor_the_bot_cannot_reach_is_not_counted_nor_asked(
    db: Database, clock: ManualClock, world: World
) -> None:
    async with db.transaction() as s:
        carla = await s.get(Person, world.carla.id)
        assert carla is not None
        carla.reachable = False
    async with db.transaction() as s:
        assert await progress.request_batch(s, clock.now(), 0, 100) == (2, None)
        await bus.dispatch(s)
    assert {m.person_id for m in await _outbox(db)} == {world.ana.id, world.ben.id}


async def test_a_report_is_recorded_and_the_bus_sends_the_workers_copy_and_the_teams_prompts(
    db: Database, clock: ManualClock, world: World
) -> None:
    async with db.transaction() as s:
        await progress.request_batch(s, clock.now(), 0, 100)
        await bus.dispatch(s)
    ids = await _requests(db)
    # Ana's request was sent; Ben's is still held by his quiet hours.
    async with db.transaction() as s:
        for message in (await s.scalars(select(OutboxMessage))).all():
            if message.person_id == world.ana.id:
                message.status = OutboxStatus.SENT
    async with db.transaction() as s:
        ben = await s.get(Person, world.ben.id)
        assert ben is not None
        report = await progress.submit(s, clock.now(), ben, _entry(world.shared))
        [recorded] = events.recorded(s)
        await bus.dispatch(s)
    assert recorded == ReportSubmitted(
        report.id, world.shared, world.ben.id, world.worker.id, (ids[world.ana.id],)
    )
    messages = await _outbox(db)
    *_, done, copy = messages
    # Ana's prompt says who sent it (an edit of the prompt she has).
    prompt = next(m for m in messages if m.person_id == world.ana.id)
    assert (done.person_id, done.kind, done.edit_of_id) == (world.ana.id, "report_done", prompt.id)
    assert done.dedupe_key == f"report_done:{prompt.id}"
    assert done.text == (
        f"{FSI}Ben{PDI} has sent the progress report on the {FSI}Haddad{PDI} family. "
        "Nothing more to do."
    )
    # The worker's copy in her Spanish and her timezone, with the match's button.
    es = translator("es")
    async with db.transaction() as s:
        stored = await s.get(ProgressReport, report.id)
        assert stored is not None
        expected = notices.render_for_worker(
            es, "America/Bogota", stored, "Haddad", "Ben", world.shared
        )
    assert (copy.person_id, copy.kind) == (world.worker.id, "progress_report")
    assert (copy.ref_type, copy.ref_id) == ("progress_report", report.id)
    assert copy.dedupe_key == f"progress_report:{report.id}"
    assert copy.text == expected and "2 de marzo, 4:00" in copy.text
    assert copy.buttons == [[[es.gettext("Open the match"), f"mt:{world.shared}"]]]


async def test_a_worker_the_bot_cannot_reach_is_not_told(
    db: Database, clock: ManualClock, world: World
) -> None:
    async with db.transaction() as s:
        worker = await s.get(Person, world.worker.id)
        assert worker is not None
        worker.active = False
    async with db.transaction() as s:
        carla = await s.get(Person, world.carla.id)
        assert carla is not None
        report = await progress.submit(s, clock.now(), carla, _entry(world.alone))
        assert events.recorded(s) == [
            ReportSubmitted(report.id, world.alone, world.carla.id, None, ())
        ]
        await bus.dispatch(s)
    assert await _outbox(db) == []
