"""Services say what happened: each action records its domain events (ids and codes only) in
its own transaction and queues nothing itself; the bus (`bot.notifications.bus`) turns each
event into the outbox rows its readers get, each in their own language."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock
from bot.i18n import translator
from bot.notifications import bus
from bot.notifications.concerns import CATEGORY_LABELS
from bot.notifications.help_callbacks import NEED_HELP_DATA
from bot.services import concerns, events, quiet
from bot.services import help as help_requests
from domain import events as domain_events
from domain.events import (
    ConcernAcknowledged,
    ConcernEscalated,
    ConcernRaised,
    ConcernResolved,
    Event,
    HelpAsked,
    HelpClosed,
    MatchWentQuiet,
)
from storage.db import Database
from storage.models import (
    Concern,
    ConcernCategory,
    ConcernEvent,
    ConcernStatus,
    HelpKind,
    OutboxMessage,
    Person,
    Role,
    Severity,
)
from tests.conftest import dispatching
from tests.factories import building

ES, AR, CA = translator("es"), translator("ar"), translator("ca")


async def _world(db: Database, now: datetime) -> dict[str, int]:
    ids = iter(range(8101, 8200))
    async with building(db, now) as b:
        org = await b.org(emergency_phone="112")
        worker = await b.person(org, Role.WORKER, "Wendy", telegram_id=next(ids), locale="es")
        coordinator = await b.person(
            org, Role.COORDINATOR, "Carme", telegram_id=next(ids), locale="ca"
        )
        mentor = await b.person(org, Role.MENTOR, "Marta", telegram_id=next(ids))
        family = await b.family(org, "Haddad")
        mentee = await b.person(
            org, Role.MENTEE, "Amal", telegram_id=next(ids), locale="ar", family=family
        )
        match = await b.match(family, [mentor], worker)
    return {
        "worker": worker.id, "coordinator": coordinator.id, "mentor": mentor.id,
        "mentee": mentee.id, "match": match.id,
    }  # fmt: skip


async def _person(s: AsyncSession, person_id: int) -> Person:
    found = await s.get(Person, person_id)
    assert found is not None
    return found


async def _outbox_count(s: AsyncSession) -> int:
    return int((await s.execute(select(func.count(OutboxMessage.id)))).scalar_one())


async def _raise(db: Database, clock: ManualClock, ids: dict[str, int]) -> int:
    async with dispatching(db) as s:
        raised = await concerns.raise_concern(
            s, clock.now(), await _person(s, ids["mentor"]), ids["match"],
            ConcernCategory.WELLBEING, "She has not left the flat", Severity.HIGH,
        )  # fmt: skip
    return raised.concern_id


async def test_raising_a_concern_records_the_event_and_queues_nothing_itself(
    db: Database, clock: ManualClock
) -> None:
    ids = await _world(db, clock.now())
    async with db.transaction() as s:
        raised = await concerns.raise_concern(
            s, clock.now(), await _person(s, ids["mentor"]), ids["match"],
            ConcernCategory.WELLBEING, "She has not left the flat", Severity.HIGH,
        )  # fmt: skip
        assert events.recorded(s) == [ConcernRaised(raised.concern_id, notified=(ids["worker"],))]
        assert await _outbox_count(s) == 0  # nothing rendered, nothing queued by the service
        assert await bus.dispatch(s) == 1
        assert await _outbox_count(s) == 1
        assert events.recorded(s) == []


async def test_staff_actions_record_what_happened(db: Database, clock: ManualClock) -> None:
    ids = await _world(db, clock.now())
    concern_id = await _raise(db, clock, ids)
    async with dispatching(db) as s:
        worker = await _person(s, ids["worker"])
        await concerns.acknowledge(s, clock.now(), worker, concern_id, shown_message_id=55)
        await concerns.resolve(s, clock.now(), worker, concern_id, "Talked to them")
        assert events.recorded(s) == [
            ConcernAcknowledged(concern_id, worker.id, shown_message_id=55),
            ConcernResolved(concern_id, worker.id),
        ]


async def test_a_missed_deadline_records_the_escalation(db: Database, clock: ManualClock) -> None:
    ids = await _world(db, clock.now())
    concern_id = await _raise(db, clock, ids)
    clock.advance(timedelta(hours=4))
    async with dispatching(db) as s:
        assert await concerns.escalate_due(s, clock.now()) == 1
        assert events.recorded(s) == [
            ConcernEscalated(
                concern_id, from_level=0, to_level=1, reason="timeout",
                notified=(ids["coordinator"],), missed=(ids["worker"],),
            )
        ]  # fmt: skip


async def test_help_actions_record_who_is_told(db: Database, clock: ManualClock) -> None:
    ids = await _world(db, clock.now())
    async with dispatching(db) as s:
        mentee = await _person(s, ids["mentee"])
        sent = await help_requests.ask(s, clock.now(), mentee, HelpKind.MENTEE, preset="call")
        await help_requests.close(s, clock.now(), await _person(s, ids["worker"]), sent.request_id)
        assert events.recorded(s) == [
            HelpAsked(sent.request_id, sent.message_id, staff=(ids["worker"],), preset="call"),
            HelpClosed(sent.request_id, ids["worker"], told=(ids["mentee"],)),
        ]


async def test_the_bus_renders_each_readers_card_in_their_language(
    db: Database, clock: ManualClock
) -> None:
    ids = await _world(db, clock.now())
    async with db.transaction() as s:
        concern = Concern(
            organisation_id=(await _person(s, ids["worker"])).organisation_id,
            match_id=ids["match"], raised_by_id=ids["mentor"],
            category=ConcernCategory.HOUSING, severity=Severity.MEDIUM, description="Damp",
            language="en", status=ConcernStatus.OPEN, assigned_worker_id=ids["worker"],
            level=0, raised_at=clock.now(), ack_deadline_at=clock.now() + timedelta(hours=24),
        )  # fmt: skip
        s.add(concern)
        await s.flush()
        events.record(
            s, clock.now(), ConcernRaised(concern.id, notified=(ids["worker"], ids["coordinator"]))
        )
        await bus.dispatch(s)
        rows = list((await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())
    assert [(m.person_id, m.kind, m.ref_type, m.ref_id) for m in rows] == [
        (ids["worker"], concerns.CARD, concerns.REF, concern.id),
        (ids["coordinator"], concerns.CARD, concerns.REF, concern.id),
    ]
    worker_card, coordinator_card = rows
    category, housing = "Category: %(category)s", CATEGORY_LABELS[ConcernCategory.HOUSING]
    assert ES.gettext(category) % {"category": ES.gettext(housing)} in worker_card.text
    assert CA.gettext(category) % {"category": CA.gettext(housing)} in coordinator_card.text
    assert worker_card.text != coordinator_card.text
    # Buttons in each reader's language, the same callback data for both.
    assert worker_card.buttons is not None and coordinator_card.buttons is not None
    assert [b[1] for row in worker_card.buttons for b in row] == [
        b[1] for row in coordinator_card.buttons for b in row
    ]
    assert worker_card.buttons[0][0][0] == ES.pgettext("concern button", "Acknowledge")
    assert worker_card.origin_person_id == ids["mentor"]


async def test_the_bus_tells_a_mentee_a_thread_was_closed_in_their_language(
    db: Database, clock: ManualClock
) -> None:
    ids = await _world(db, clock.now())
    async with dispatching(db) as s:
        mentee = await _person(s, ids["mentee"])
        sent = await help_requests.ask(s, clock.now(), mentee, HelpKind.MENTEE, preset="talk")
    async with db.transaction() as s:
        await help_requests.close(s, clock.now(), await _person(s, ids["worker"]), sent.request_id)
        await bus.dispatch(s)
        [notice] = (
            await s.execute(
                select(OutboxMessage).where(
                    OutboxMessage.person_id == ids["mentee"], OutboxMessage.kind == "help_closed"
                )
            )
        ).scalars()
    assert "Wendy" in notice.text
    assert notice.buttons == [[[AR.gettext("I need help"), NEED_HELP_DATA]]]


async def test_a_transaction_that_forgets_to_dispatch_does_not_commit(
    db: Database, clock: ManualClock
) -> None:
    ids = await _world(db, clock.now())
    with pytest.raises(events.Undispatched):
        await _raise_without_dispatch(db, clock, ids)
    async with db.transaction() as s:  # nothing of it was stored
        assert (await s.execute(select(func.count(Concern.id)))).scalar_one() == 0
        assert (await s.execute(select(func.count(ConcernEvent.id)))).scalar_one() == 0


def test_every_event_has_a_handler_and_carries_ids_and_codes_only() -> None:
    declared = {
        value
        for value in vars(domain_events).values()
        if isinstance(value, type) and issubclass(value, Event) and value is not Event
    }
    assert declared == set(bus.HANDLERS)
    for event_type in declared:
        for spec in fields(event_type):
            assert str(spec.type).replace(" ", "") in {
                "int", "int|None", "str", "str|None", "bool", "date", "tuple[int,...]",
            }, (event_type.__name__, spec.name, spec.type)  # fmt: skip


# --- helpers ----------------------------------------------------------------------------------


async def _raise_without_dispatch(db: Database, clock: ManualClock, ids: dict[str, int]) -> None:
    async with db.transaction() as s:
        await concerns.raise_concern(
            s, clock.now(), await _person(s, ids["mentor"]), ids["match"],
            ConcernCategory.WELLBEING, "She has not left the flat", Severity.HIGH,
        )  # fmt: skip


async def test_a_quiet_match_records_who_is_nudged(db: Database, clock: ManualClock) -> None:
    async with building(db, clock.now()) as b:
        org = await b.org(quiet_days=[7, 10, 20])
        worker = await b.person(org, Role.WORKER, telegram_id=8191)
        mentor = await b.person(org, Role.MENTOR, telegram_id=8192, locale="es")
        match = await b.match(
            await b.family(org, "Haddad"),
            [mentor],
            worker,
            started_on=clock.now().date() - timedelta(days=8),
        )
    since = clock.now().date() - timedelta(days=8)
    async with db.transaction() as s:
        assert await quiet.quiet_batch(s, clock.now(), 0, 100) == (1, None)
        assert events.recorded(s) == [MatchWentQuiet(match.id, 0, 8, since, (mentor.id,))]
        await bus.dispatch(s)
        [nudge] = (await s.execute(select(OutboxMessage))).scalars()
    assert (nudge.person_id, nudge.kind) == (mentor.id, "quiet_match")
    assert nudge.dedupe_key == f"quiet:{match.id}:0:{since.isoformat()}:{mentor.id}"
    assert "/log" in nudge.text and "Haddad" in nudge.text and "8" in nudge.text
    assert not nudge.text.startswith("It has been")  # in the mentor's Spanish
